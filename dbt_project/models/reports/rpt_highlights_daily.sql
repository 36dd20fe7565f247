{#-
    HIGHLIGHTS per partner and local day (reports.md), for var('report_playback_types') (VOD by
    default, like Kaltura). Every figure is computed for the day itself from the viewer grain,
    so unique_known_users is exact.
-#}
{{ day_partitioned() }}

{{ highlights_by_period('report_date', 'report_date', on_rebuilt_days(widen=false)) }}
