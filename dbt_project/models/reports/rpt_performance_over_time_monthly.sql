{#-
    PERFORMANCE_OVER_TIME by month (partner time zone): the HIGHLIGHTS metrics computed for the
    whole month from the viewer grain (a month's unique viewers are not the sum of its days'),
    for var('report_playback_types').
-#}
{{ day_partitioned('report_month', grain='month') }}

{{ highlights_by_period("cast(date_trunc('month', report_date) as date)", 'report_month', on_rebuilt_months()) }}
