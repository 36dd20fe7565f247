"""The landing contract of ``shared/spec/raw-events.md`` as code: event codes and beacon fields.

This module is the one place that knows the KAVA field names, their types and the event codes.
The simulator writes beacons with these names, landing validates against them, and the dbt seed
``kava_event_types.csv`` is checked against :data:`EVENT_TYPES` by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


class EventType(IntEnum):
    """KAVA event codes (raw-events.md, "Event codes")."""

    IMPRESSION = 1
    PLAY_REQUEST = 2
    PLAY = 3
    RESUME = 4
    PLAY_REACHED_25_PERCENT = 11
    PLAY_REACHED_50_PERCENT = 12
    PLAY_REACHED_75_PERCENT = 13
    PLAY_REACHED_100_PERCENT = 14
    SHARE_CLICKED = 21
    SHARE_NETWORK = 22
    DOWNLOAD = 23
    REPORT_CLICKED = 24
    REPORT_SUBMITTED = 25
    ENTER_FULLSCREEN = 31
    EXIT_FULLSCREEN = 32
    PAUSE = 33
    REPLAY = 34
    SEEK = 35
    RELATED_CLICKED = 36
    RELATED_SELECTED = 37
    CAPTIONS = 38
    SOURCE_SELECTED = 39
    INFO = 40
    SPEED = 41
    AUDIO_SELECTED = 42
    FLAVOR_SWITCH = 43
    BUFFER_START = 45
    BUFFER_END = 46
    NODE_PLAY = 70
    NODE_SWITCH = 71
    HOTSPOT_CLICKED = 72
    ERROR = 98
    VIEW = 99


EVENT_TYPES: dict[int, str] = {member.value: member.name for member in EventType}

FieldKind = Literal["int", "float", "str"]


@dataclass(frozen=True)
class Field:
    """One beacon field: its KAVA (camelCase) name, the landed column name and its type."""

    kava_name: str
    column: str
    kind: FieldKind
    required: bool = False


# Collector fields. receivedAt and the two enrichment inputs are required of every beacon
# (a collector always adds them); ipAddress and userAgent are consumed by enrichment and the
# IP address is never written past landing.
RECEIVED_AT = "receivedAt"
IP_ADDRESS = "ipAddress"
USER_AGENT = "userAgent"

BEACON_FIELDS: tuple[Field, ...] = (
    Field("eventType", "event_type", "int", required=True),
    Field("partnerId", "partner_id", "int", required=True),
    Field("entryId", "entry_id", "str", required=True),
    Field("sessionId", "session_id", "str", required=True),
    Field("eventIndex", "event_index", "int", required=True),
    Field("userId", "user_id", "str"),
    Field("persistentSessionId", "persistent_session_id", "str"),
    Field("playbackType", "playback_type", "str"),
    Field("position", "position", "float"),
    Field("playTimeSum", "play_time_sum", "float"),
    Field("bufferTime", "buffer_time", "float"),
    Field("bufferTimeSum", "buffer_time_sum", "float"),
    Field("actualBitrate", "actual_bitrate", "float"),
    Field("averageBitrate", "average_bitrate", "float"),
    Field("joinTime", "join_time", "float"),
    Field("referrer", "referrer", "str"),
    Field("playbackContext", "playback_context", "str"),
    Field("kalturaApplication", "kaltura_application", "str"),
    Field("application", "application", "str"),
    Field("uiConfId", "ui_conf_id", "str"),
    Field("clientVer", "client_ver", "str"),
    Field("deliveryType", "delivery_type", "str"),
    Field("playbackSpeed", "playback_speed", "float"),
    Field("caption", "caption", "str"),
    Field("targetPosition", "target_position", "float"),
    Field("errorCode", "error_code", "str"),
    Field("errorPosition", "error_position", "int"),
    Field("socialNetwork", "social_network", "str"),
    Field("customVar1", "custom_var1", "str"),
    Field("customVar2", "custom_var2", "str"),
    Field("customVar3", "custom_var3", "str"),
    Field("rootEntryId", "root_entry_id", "str"),
    Field("nodeId", "node_id", "str"),
    Field("hotspotId", "hotspot_id", "str"),
    Field("hotspotName", "hotspot_name", "str"),
    Field("destination", "destination", "str"),
    Field("nodeLevel", "node_level", "int"),
)

FIELDS_BY_KAVA_NAME: dict[str, Field] = {field.kava_name: field for field in BEACON_FIELDS}
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.kava_name for f in BEACON_FIELDS if f.required)
PLAYBACK_TYPES: frozenset[str] = frozenset({"vod", "live", "dvr"})
DEVICE_TYPES: tuple[str, ...] = ("Desktop", "Mobile", "Tablet", "TV", "Other")
UNKNOWN = "Unknown"

BEACONS_DIR = "beacons"


# Side feed fields: KAVA-style camelCase name -> (landed column, kind). "list" is a JSON array of
# strings, landed as VARCHAR[]; "timestamp" an ISO-8601 string; "date" YYYY-MM-DD.
SideKind = Literal["int", "float", "str", "list", "timestamp", "date"]

SIDE_FEED_FIELDS: dict[str, dict[str, tuple[str, SideKind]]] = {
    "entries": {
        "entryId": ("entry_id", "str"),
        "partnerId": ("partner_id", "int"),
        "name": ("name", "str"),
        "mediaType": ("media_type", "str"),
        "durationSecs": ("duration_secs", "float"),
        "createdAt": ("created_at", "timestamp"),
        "creatorUserId": ("creator_user_id", "str"),
        "ownerUserId": ("owner_user_id", "str"),
        "categoryIds": ("category_ids", "list"),
        "tags": ("tags", "list"),
        "status": ("status", "str"),
        "updatedAt": ("updated_at", "timestamp"),
    },
    "categories": {
        "categoryId": ("category_id", "str"),
        "partnerId": ("partner_id", "int"),
        "name": ("name", "str"),
        "parentId": ("parent_id", "str"),
        "fullIds": ("full_ids", "str"),
        "updatedAt": ("updated_at", "timestamp"),
    },
    "partners": {
        "partnerId": ("partner_id", "int"),
        "name": ("name", "str"),
        "timezone": ("timezone", "str"),
        "bandwidthAllowanceGb": ("bandwidth_allowance_gb", "float"),
        "storageAllowanceGb": ("storage_allowance_gb", "float"),
        "transcodingAllowanceMinutes": ("transcoding_allowance_minutes", "float"),
        "updatedAt": ("updated_at", "timestamp"),
    },
    "users": {
        "userId": ("user_id", "str"),
        "partnerId": ("partner_id", "int"),
        "fullName": ("full_name", "str"),
        "updatedAt": ("updated_at", "timestamp"),
    },
    "usage": {
        "partnerId": ("partner_id", "int"),
        "date": ("date", "date"),
        "storageGb": ("storage_gb", "float"),
        "transcodingMinutes": ("transcoding_minutes", "float"),
        "updatedAt": ("updated_at", "timestamp"),
    },
}

# Side feed keys (the record a newer snapshot replaces). Entry and category ids are not assumed
# unique across partners, so their keys include the partner.
SIDE_FEEDS: dict[str, tuple[str, ...]] = {
    "entries": ("partnerId", "entryId"),
    "categories": ("partnerId", "categoryId"),
    "partners": ("partnerId",),
    "users": ("partnerId", "userId"),
    "usage": ("partnerId", "date"),
}
