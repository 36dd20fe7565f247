"""Viewing sessions: the state machine that turns a viewer's visit into KAVA beacons.

One :class:`ViewingSession` is one player instance on one page (one visit). It can play several
media (a related video, a reload after an error, the nodes of an interactive project); each new
media restarts ``eventIndex`` at 1 and resets ``playTimeSum`` and ``bufferTimeSum``, as the KAVA
plugin does, and each media load gets a new ``sessionId`` "<player guid>:<media guid>" (the
Kaltura player keeps the first guid and regenerates the second on every load). The rules it
follows (shared/spec/raw-events.md, metrics.md, and the public playkit-js-kava plugin):

* IMPRESSION when the player loads, PLAY_REQUEST when the viewer presses play (or autoplay),
  PLAY at the first frame (with ``joinTime``), then VIEW right after PLAY and after every 10 s
  of active playback (paused and buffering time do not count). ``playTimeSum`` is the running
  total of active playback; over a span of playback the playhead moves by the played time
  times ``playbackSpeed``, so each VIEW says "[position - d * speed, position] was watched".
* Quartile beacons 11-14 once per play, when the playhead crosses 25/50/75% and at the end
  (after a PAUSE: the video element pauses, then ends); a forward seek over a quartile fires
  the skipped ones right after the SEEK.
* A pause of 30 s or more resets the KAVA session (``eventIndex`` back to 1, ``playTimeSum`` and
  ``bufferTimeSum`` to 0); so does an ERROR (and the player may then reload: a new IMPRESSION).
* REPLAY after the end starts a new play: REPLAY, then a new PLAY and VIEW in the same session.
* Live entries report ``position`` as the offset from the live edge (<= 0): ``live`` near the
  edge, ``dvr`` when the viewer is more than 2 minutes behind.
* Interactive (path) projects play node entries: PLAY + NODE_PLAY per node, HOTSPOT_CLICKED and
  NODE_SWITCH to move on; ``rootEntryId`` and ``nodeId`` on every beacon.

Times are integer milliseconds internally (no float drift in the 10 s cadence); ``receivedAt``
is the client time plus a per-session network latency and jitter, strictly increasing within a
session. A beacon is returned as (receivedAt ms, eventType, JSON object bytes without
``receivedAt``); the writer puts ``receivedAt`` first.
"""

from __future__ import annotations

import math
import random
from itertools import accumulate
from typing import Any

import orjson

from video_insights.contract import EventType
from video_insights.simulate.catalog import Entry, Node, PartnerCatalog, User
from video_insights.simulate.ipranges import pick_ip
from video_insights.simulate.referrers import encode, page_url
from video_insights.simulate.useragents import UserAgentProfile, pick_profile

Beacon = tuple[int, int, bytes]  # (receivedAt epoch ms, eventType, JSON without receivedAt)

VIEW_INTERVAL_MS = 10_000
RESET_IDLE_MS = 30_000  # KAVA resetSessionCountdown
DVR_THRESHOLD_MS = 120_000  # KAVA dvrThreshold: further behind the live edge is "dvr"
MAX_SESSION_MS = 5 * 3600 * 1000  # a session gives up after 5 hours of wall time
MAX_MEDIA_PER_SESSION = 6
ANONYMOUS_SHARE = 0.40

IMPRESSION = int(EventType.IMPRESSION)
PLAY_REQUEST = int(EventType.PLAY_REQUEST)
PLAY = int(EventType.PLAY)
RESUME = int(EventType.RESUME)
QUARTILES = (
    int(EventType.PLAY_REACHED_25_PERCENT),
    int(EventType.PLAY_REACHED_50_PERCENT),
    int(EventType.PLAY_REACHED_75_PERCENT),
)
PLAY_100 = int(EventType.PLAY_REACHED_100_PERCENT)
PAUSE = int(EventType.PAUSE)
VIEW = int(EventType.VIEW)

SOCIAL_NETWORKS = ("facebook", "linkedin", "x", "email", "whatsapp")
CAPTION_LANGUAGES = ("en", "es", "fr", "de", "he", "ja", "pt")
SPEEDS = (1.25, 1.5, 1.5, 2.0, 0.75)
REPORT_TYPES = ("Sexual Content", "Violent Or Repulsive", "Spam / Commercials", "Copyright")
# Player error codes of the Kaltura web player (playkit-js error categories)
ERROR_CODES_PRE_PLAY = ("7003", "1002", "3016", "12")
ERROR_CODES_MID_STREAM = ("3016", "1002", "3017", "1001", "7002")

# (interaction, weight) while watching VOD; live has its own table (no quartiles or downloads)
_VOD_INTERACTIONS = (
    ("pause", 30.0),
    ("seek", 16.0),
    ("buffer", 12.0),
    ("flavor", 20.0),
    ("fullscreen", 6.0),
    ("captions", 2.0),
    ("speed", 2.5),
    ("share", 1.5),
    ("download", 0.7),
    ("info", 0.5),
    ("report", 0.15),
    ("audio", 0.3),
    ("source", 0.5),
    ("error", 0.35),
)
_LIVE_INTERACTIONS = (
    ("pause", 10.0),
    ("seek", 6.0),
    ("buffer", 14.0),
    ("flavor", 24.0),
    ("fullscreen", 6.0),
    ("captions", 2.0),
    ("share", 1.5),
    ("info", 0.5),
    ("error", 0.5),
)
_VOD_NAMES = [name for name, _ in _VOD_INTERACTIONS]
_VOD_CUM = list(accumulate(weight for _, weight in _VOD_INTERACTIONS))
_LIVE_NAMES = [name for name, _ in _LIVE_INTERACTIONS]
_LIVE_CUM = list(accumulate(weight for _, weight in _LIVE_INTERACTIONS))

_LADDERS: dict[str, tuple[float, ...]] = {
    "Desktop": (350.0, 700.0, 1200.0, 2000.0, 3500.0, 6000.0),
    "TV": (700.0, 1200.0, 2000.0, 3500.0, 6000.0, 8000.0),
    "Tablet": (350.0, 700.0, 1200.0, 2000.0, 3500.0),
    "Mobile": (250.0, 500.0, 900.0, 1500.0, 2500.0),
    "Other": (700.0, 1200.0, 2000.0),
    "audio": (64.0, 128.0, 192.0),
}

_dumps = orjson.dumps


def uuid_from(rng: random.Random) -> str:
    """A version-4 UUID string from a seeded generator (uuid.uuid4 is not reproducible)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


class ViewerHome:
    """What stays the same between the sessions of one known user: device, place, browser id."""

    __slots__ = ("country", "ip", "persistent_session_id", "profile")

    def __init__(self, seed: int, user: User, catalog: PartnerCatalog) -> None:
        rng = random.Random(f"{seed}:viewer:{user.partner_id}:{user.user_id}")
        self.profile: UserAgentProfile = pick_profile(rng)
        self.country = catalog.pick_country(rng)
        self.ip, _ = pick_ip(rng, self.country)
        self.persistent_session_id = uuid_from(rng)


class ViewingSession:
    """One visit: a player on a page, one ``sessionId`` per media load (see the module
    docstring for the rules)."""

    def __init__(
        self,
        rng: random.Random,
        catalog: PartnerCatalog,
        start_ms: int,
        homes: dict[str, ViewerHome],
        seed: int,
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        partner = catalog.partner
        self.partner_id = partner.partner_id
        self.player_id = uuid_from(rng)
        self.session_id = ""
        self.t = start_ms  # client wall clock, ms
        self.end_by = start_ms + MAX_SESSION_MS
        self.latency = rng.randrange(20, 250)
        self.last_received = 0
        self.out: list[Beacon] = []

        user: User | None = None
        if rng.random() >= ANONYMOUS_SHARE:
            user = catalog.pick_user(rng)
        home = None
        if user is not None:
            home = homes.get(user.user_id)
            if home is None:
                home = homes[user.user_id] = ViewerHome(seed, user, catalog)
        if home is not None and rng.random() < 0.8:
            profile, ip, psid = home.profile, home.ip, home.persistent_session_id
        else:
            profile = pick_profile(rng)  # another device, or a viewer we do not know
            ip, _ = pick_ip(rng, catalog.pick_country(rng))
            psid = uuid_from(rng)
        self.profile = profile
        self.user = user

        tail: dict[str, Any] = {}
        if user is not None:
            tail["userId"] = user.user_id
        tail["persistentSessionId"] = psid
        tail["deliveryType"] = profile.delivery_type
        tail["clientVer"] = rng.choice(("3.17.30", "3.17.22", "3.16.4"))
        if profile.web:
            tail["clientTag"] = f"html5:v{tail['clientVer']}"
        tail["uiConfId"] = rng.choice(partner.ui_conf_ids)
        self.session_tail = tail  # completed by _place_player (referrer, application, ...)
        self.ip = ip
        self.media_tail: dict[str, Any] = {}
        self.tail: dict[str, Any] = {}  # media_tail then session_tail: the end of every beacon
        self.page_context: str | None = None
        self.placed = False

        # native HLS (Safari, iOS) often cannot see renditions: actualBitrate -1 ("unknown")
        self.unknown_bitrate = profile.delivery_type == "hls" and rng.random() < 0.3
        self.fullscreen = False
        self.ladder: tuple[float, ...] = _LADDERS[profile.device]
        self.rung = 0
        self.bitrate = -1.0
        self._new_media_state()

    # ---- beacons -------------------------------------------------------------------------

    def emit(self, event_type: int, extra: dict[str, Any] | None = None) -> None:
        received = self.t + self.latency + int(self.rng.random() * 40)
        if received <= self.last_received:
            received = self.last_received + 1
        self.last_received = received
        beacon: dict[str, Any] = {
            "eventType": event_type,
            "partnerId": self.partner_id,
            "entryId": self.entry_id,
            "sessionId": self.session_id,
            "eventIndex": self.event_index,
        }
        if extra:
            beacon.update(extra)
        beacon["position"] = (self.offset if self.live else self.pos) / 1000
        beacon["playbackType"] = self.playback_type
        beacon["playbackSpeed"] = self.speed
        beacon.update(self.tail)
        self.out.append((received, event_type, _dumps(beacon)))
        self.event_index += 1

    def emit_view(self) -> None:
        average = self.bitrate_acc / self.bitrate_ms if self.bitrate_ms else self.bitrate
        self.emit(
            VIEW,
            {
                "playTimeSum": self.play_time / 1000,
                "bufferTime": self.buffer_since_view / 1000,
                "bufferTimeSum": self.buffer_sum / 1000,
                "actualBitrate": self.bitrate,
                "averageBitrate": round(average, 1) if self.bitrate > 0 else -1.0,
            },
        )
        self.since_view = 0
        self.buffer_since_view = 0

    # ---- state ---------------------------------------------------------------------------

    def _new_media_state(self) -> None:
        """KAVA resets its counters when the player loads a new media."""
        self.event_index = 1
        self.play_time = 0
        self.buffer_sum = 0
        self.buffer_since_view = 0
        self.since_view = 0
        self.bitrate_acc = 0.0
        self.bitrate_ms = 0
        self.pos = 0
        self.offset = 0
        self.live = False
        self.playback_type = "vod"
        self.speed = 1.0
        self.duration = 0
        self.quartile = 0  # how many of 25/50/75 fired in this play
        self.ended = False
        self.captions = False
        self.speed_changed = False
        self.entry_id = ""

    def _set_media_field(self, name: str, value: Any) -> None:
        self.media_tail[name] = value
        self.tail = {**self.media_tail, **self.session_tail}

    def _reset_kava(self) -> None:
        """After an error or 30 s idle: eventIndex, playTimeSum and bufferTimeSum restart."""
        self.event_index = 1
        self.play_time = 0
        self.buffer_sum = 0
        self.bitrate_acc = 0.0
        self.bitrate_ms = 0

    def _place_player(self, entry: Entry) -> None:
        """The page of the session: referrer, playbackContext and hosting application."""
        rng = self.rng
        partner = self.catalog.partner
        url, context = page_url(rng, partner.sites, entry.entry_id, entry.slug, entry.channel)
        tail = self.session_tail
        head: dict[str, Any] = {}
        if self.profile.web:
            head["referrer"] = encode(url)
        elif rng.random() < 0.5:
            head["referrer"] = url  # apps that send the page URL plain
        elif rng.random() < 0.6:
            head["referrer"] = f"app://{partner.sites.app_scheme}/watch/{entry.entry_id}"
        if url.startswith(f"https://{partner.sites.portal}/"):
            head["kalturaApplication"], head["application"] = "KMS", "MediaSpace"
        elif url.startswith(f"https://{partner.sites.lms}/"):
            head["kalturaApplication"] = "KAF"
            head["application"] = rng.choice(("Canvas", "Moodle", "Blackboard"))
        elif not self.profile.web:
            head["kalturaApplication"] = "PLAYER"
            head["application"] = f"{partner.sites.app_scheme}.{self.profile.device.lower()}"
        else:
            head["kalturaApplication"] = "PLAYER"
        if partner.sector == "corporate" and self.user is not None:
            head["customVar1"] = rng.choice(("sales", "engineering", "hr", "finance"))
        head.update(tail)
        head["ipAddress"] = self.ip
        head["userAgent"] = self.profile.user_agent
        self.session_tail = head
        self.page_context = context if (context and rng.random() < 0.8) else None
        self.placed = True

    def _load(self, entry: Entry, *, change_media: bool = True) -> None:
        """Load ``entry``. The Kaltura player's sessionId is "<player guid>:<media guid>" and
        the second guid is regenerated on every media load (a new entry, or a reload after an
        error), so two loads never send identical beacons."""
        self._new_media_state()
        if change_media:
            self.session_id = f"{self.player_id}:{uuid_from(self.rng)}"
        if not self.placed:
            self._place_player(entry)
        self.entry_id = entry.entry_id
        tail: dict[str, Any] = {}
        if entry.root_entry_id is not None:
            tail["rootEntryId"] = entry.root_entry_id
        if self.page_context is not None:
            tail["playbackContext"] = self.page_context
        self.media_tail = tail
        self.tail = {**tail, **self.session_tail}
        self.duration = entry.duration_ms
        ladder = _LADDERS["audio" if entry.media_type == "audio" else self.profile.device]
        self.ladder = ladder
        self.rung = min(len(ladder) - 1, max(0, len(ladder) // 2 - 1 + self.rng.randint(-1, 1)))
        self.bitrate = -1.0 if self.unknown_bitrate else ladder[self.rung]
        if entry.media_type == "live":
            self.live = True
            if self.rng.random() < 0.25:
                self.offset = -self.rng.randrange(DVR_THRESHOLD_MS + 1000, 1800_000)
            else:
                self.offset = -self.rng.randrange(3000, 15000)
            self.playback_type = "dvr" if self.offset < -DVR_THRESHOLD_MS else "live"

    def _advance(self, step: int) -> None:
        self.t += step
        self.play_time += step
        self.since_view += step
        if not self.live:
            self.pos += step if self.speed == 1.0 else round(step * self.speed)
            if self.pos > self.duration:
                self.pos = self.duration
        self.bitrate_acc += self.bitrate * step
        self.bitrate_ms += step

    # ---- draws ---------------------------------------------------------------------------

    def _request_delay(self) -> int:
        rng = self.rng
        if rng.random() < 0.4:
            return rng.randrange(50, 800)  # autoplay
        return min(120_000, int(rng.lognormvariate(7.8, 0.9)))

    def _join_time(self) -> int:
        rng = self.rng
        if rng.random() < 0.02:
            return rng.randrange(5000, 15000)
        join = rng.lognormvariate(6.95, 0.55)  # median ~1.05 s
        if self.profile.device == "Mobile":
            join *= 1.3
        if self.live:
            join *= 1.5
        return max(80, min(30_000, int(join)))

    def _budget(self) -> int:
        """How long (play time, ms) the viewer will watch this play; large = to the end."""
        rng = self.rng
        if self.live:
            return min(3 * 3600_000, max(5000, int(rng.lognormvariate(13.3, 1.0))))
        duration = self.duration
        if duration < 120_000:
            complete = 0.5
        elif duration < 600_000:
            complete = 0.32
        elif duration < 1800_000:
            complete = 0.18
        else:
            complete = 0.1
        if rng.random() < complete:
            return duration * 3 + 60_000
        return max(1000, int(duration * rng.betavariate(0.6, 1.6)))

    def _interaction_gap(self) -> int:
        mean = 120_000.0 if self.live else 75_000.0
        return max(1, int(self.rng.expovariate(1.0 / mean)))

    # ---- playback ------------------------------------------------------------------------

    def _start_play(self, join_ms: int, *, node: Node | None = None) -> None:
        self.t += join_ms
        self.emit(
            PLAY,
            {
                "joinTime": join_ms / 1000,
                "bufferTime": 0.0,
                "bufferTimeSum": self.buffer_sum / 1000,
                "actualBitrate": self.bitrate,
                "playTimeSum": self.play_time / 1000,
            },
        )
        if node is not None:
            self.emit(int(EventType.NODE_PLAY))
        self.since_view = 0
        self.buffer_since_view = 0
        self.emit_view()

    def _watch(self, budget: int) -> str:
        """Play until the budget is spent or the media ends: "ended", "dropped", "left",
        "error" or "timeout"."""
        gap = self._interaction_gap()
        live = self.live
        while True:
            speed = self.speed
            step = VIEW_INTERVAL_MS - self.since_view
            if not live:
                if self.quartile < 3:
                    target = self.duration * (self.quartile + 1) // 4
                    to_quartile = (
                        0 if self.pos >= target else math.ceil((target - self.pos) / speed)
                    )
                    if to_quartile < step:
                        step = to_quartile
                to_end = math.ceil((self.duration - self.pos) / speed)
                if to_end < step:
                    step = to_end
            if budget < step:
                step = budget
            if gap < step:
                step = gap
            if step > 0:
                self._advance(step)
                budget -= step
                gap -= step
            if not live:
                while self.quartile < 3 and self.pos >= self.duration * (self.quartile + 1) // 4:
                    self.emit(QUARTILES[self.quartile])
                    self.quartile += 1
            if self.since_view >= VIEW_INTERVAL_MS:
                self.emit_view()
            if not live and self.pos >= self.duration:
                if not self.ended:
                    # the video element fires "pause" then "ended": PAUSE carries the last
                    # seconds of play time, then the 100% beacon
                    self.ended = True
                    self.emit(PAUSE, {"playTimeSum": self.play_time / 1000})
                    self.emit(PLAY_100)
                return "ended"
            if budget <= 0:
                return "dropped"
            if self.t >= self.end_by:
                return "timeout"
            if gap <= 0:
                outcome = self._interact()
                if outcome:
                    return outcome
                gap = self._interaction_gap()

    def _interact(self) -> str | None:
        rng = self.rng
        if self.live:
            action = rng.choices(_LIVE_NAMES, cum_weights=_LIVE_CUM)[0]
        else:
            action = rng.choices(_VOD_NAMES, cum_weights=_VOD_CUM)[0]
        handler = getattr(self, f"_do_{action}")
        result: str | None = handler()
        return result

    def _do_pause(self) -> str | None:
        rng = self.rng
        self.emit(PAUSE, {"playTimeSum": self.play_time / 1000})
        if rng.random() < 0.1:
            return "left"
        if rng.random() < 0.12:
            pause = rng.randrange(RESET_IDLE_MS, 900_000)
            if rng.random() < 0.35:
                return "left"
        else:
            pause = min(RESET_IDLE_MS - 1, int(rng.lognormvariate(8.6, 0.8)))
        self.t += pause
        if pause >= RESET_IDLE_MS:
            self._reset_kava()
        if self.live:
            if self.playback_type == "dvr":
                self.offset = max(-7200_000, self.offset - pause)
            else:
                self.offset = -rng.randrange(3000, 15000)  # back to the live edge
        self.emit(
            RESUME,
            {
                "bufferTime": self.buffer_since_view / 1000,
                "bufferTimeSum": self.buffer_sum / 1000,
                "actualBitrate": self.bitrate,
                "playTimeSum": self.play_time / 1000,
            },
        )
        return None

    def _do_seek(self) -> str | None:
        rng = self.rng
        if self.live:
            if self.offset < -DVR_THRESHOLD_MS or rng.random() < 0.3:
                self.offset = -rng.randrange(3000, 15000)  # jump to live
            else:
                self.offset = -rng.randrange(DVR_THRESHOLD_MS + 1000, 3600_000)
            self.playback_type = "dvr" if self.offset < -DVR_THRESHOLD_MS else "live"
            self.emit(int(EventType.SEEK), {"targetPosition": self.offset / 1000})
        else:
            if rng.random() < 0.6:
                target = self.pos + int(self.duration * rng.uniform(0.05, 0.3))
            else:
                target = self.pos - rng.randrange(5000, 60_000)
            target = max(0, min(target, self.duration - 1000))
            self.pos = target
            self.emit(int(EventType.SEEK), {"targetPosition": target / 1000})
        if rng.random() < 0.3:
            self._do_buffer(short=True)
        return None

    def _do_buffer(self, short: bool = False) -> str | None:
        rng = self.rng
        self.emit(int(EventType.BUFFER_START))
        stall = int(rng.lognormvariate(6.2, 0.7) if short else rng.lognormvariate(7.0, 0.9))
        stall = max(50, min(stall, 20_000))
        self.t += stall
        self.buffer_since_view += stall
        self.buffer_sum += stall
        self.emit(int(EventType.BUFFER_END))
        if not short and rng.random() < 0.35 and self.rung > 0 and self.bitrate > 0:
            self.rung -= 1
            self.bitrate = self.ladder[self.rung]
            self.emit(int(EventType.FLAVOR_SWITCH), {"actualBitrate": self.bitrate})
        return None

    def _do_flavor(self) -> str | None:
        if self.bitrate <= 0:
            return None  # the player cannot see renditions (native HLS)
        rung = self.rung + (1 if self.rng.random() < 0.55 else -1)
        if 0 <= rung < len(self.ladder):
            self.rung = rung
            self.bitrate = self.ladder[rung]
            self.emit(int(EventType.FLAVOR_SWITCH), {"actualBitrate": self.bitrate})
        return None

    def _do_source(self) -> str | None:
        if self.bitrate <= 0:
            return None
        self.rung = self.rng.randrange(len(self.ladder))
        self.bitrate = self.ladder[self.rung]
        self.emit(int(EventType.SOURCE_SELECTED), {"actualBitrate": self.bitrate})
        return None

    def _do_fullscreen(self) -> str | None:
        if self.profile.device in ("TV", "Other"):
            return None
        self.fullscreen = not self.fullscreen
        self.emit(int(EventType.ENTER_FULLSCREEN if self.fullscreen else EventType.EXIT_FULLSCREEN))
        return None

    def _do_captions(self) -> str | None:
        if self.captions:
            return None
        self.captions = True
        self._set_media_field("caption", self.rng.choice(CAPTION_LANGUAGES))
        self.emit(int(EventType.CAPTIONS))
        return None

    def _do_speed(self) -> str | None:
        if self.speed_changed:
            return None
        if self.catalog.partner.sector == "media" and self.rng.random() < 0.5:
            return None  # news and shows are rarely sped up
        self.speed_changed = True
        self.speed = self.rng.choice(SPEEDS)
        self.emit(int(EventType.SPEED))
        return None

    def _do_share(self) -> str | None:
        rng = self.rng
        self.emit(int(EventType.SHARE_CLICKED))
        if rng.random() < 0.6:
            self.t += rng.randrange(1500, 12_000)
            self.emit(int(EventType.SHARE_NETWORK), {"socialNetwork": rng.choice(SOCIAL_NETWORKS)})
        return None

    def _do_download(self) -> str | None:
        self.emit(int(EventType.DOWNLOAD))
        return None

    def _do_info(self) -> str | None:
        self.emit(int(EventType.INFO))
        return None

    def _do_report(self) -> str | None:
        rng = self.rng
        self.emit(int(EventType.REPORT_CLICKED))
        if rng.random() < 0.5:
            self.t += rng.randrange(3000, 30_000)
            self.emit(int(EventType.REPORT_SUBMITTED), {"reportType": rng.choice(REPORT_TYPES)})
        return None

    def _do_audio(self) -> str | None:
        self.emit(int(EventType.AUDIO_SELECTED), {"language": self.rng.choice(("en", "es", "fr"))})
        return None

    def _do_error(self) -> str | None:
        self.emit(
            int(EventType.ERROR),
            {
                "errorCode": self.rng.choice(ERROR_CODES_MID_STREAM),
                "errorPosition": 2,
            },
        )
        return "error"

    # ---- media flows ---------------------------------------------------------------------

    def run(self) -> list[Beacon]:
        """Simulate the whole session; the beacons in time order."""
        entry: Entry | None = self.catalog.pick_entry(self.rng)
        media = 0
        while entry is not None and media < MAX_MEDIA_PER_SESSION and self.t < self.end_by:
            media += 1
            if entry.media_type == "interactive":
                entry = self._play_interactive(entry)
            else:
                entry = self._play_media(entry)
        return self.out

    def _another_entry(self, chance: float) -> Entry | None:
        """The viewer opens another video on the page (a related or playlist item)."""
        if self.rng.random() < chance:
            self.t += self.rng.randrange(1000, 20_000)
            return self.catalog.pick_entry(self.rng)
        return None

    def _error_pre_play(self, position: int) -> None:
        self.t += self.rng.randrange(300, 8000)
        self.emit(
            int(EventType.ERROR),
            {
                "errorCode": self.rng.choice(ERROR_CODES_PRE_PLAY),
                "errorPosition": position,
            },
        )
        self._reset_kava()

    def _play_media(self, entry: Entry) -> Entry | None:
        rng = self.rng
        self._load(entry)
        self.emit(IMPRESSION)
        roll = rng.random()
        if roll < 0.012:
            self._error_pre_play(3)
            return entry if rng.random() < 0.3 else None
        if roll < 0.22:  # loaded, never played
            self.t += rng.randrange(2000, 60_000)
            return self._another_entry(0.08)
        self.t += self._request_delay()
        self.emit(PLAY_REQUEST)
        roll = rng.random()
        if roll < 0.04:
            return None  # exit before video start
        if roll < 0.055:
            self._error_pre_play(1)
            return entry if rng.random() < 0.4 else None
        self._start_play(self._join_time())
        while True:
            outcome = self._watch(self._budget())
            if outcome == "ended":
                if not self.live and rng.random() < 0.07:
                    self._replay()
                    continue
                if rng.random() < 0.25:
                    self.emit(int(EventType.RELATED_CLICKED))
                    if rng.random() < 0.7:
                        self.emit(int(EventType.RELATED_SELECTED))
                        self.t += rng.randrange(300, 3000)
                        return self.catalog.pick_entry(rng)
                    return None
                return self._another_entry(0.1)
            if outcome == "dropped":
                if rng.random() < 0.35:
                    self.emit(PAUSE, {"playTimeSum": self.play_time / 1000})
                return self._another_entry(0.1)
            if outcome == "error":
                self._reset_kava()
                return entry if rng.random() < 0.45 else None
            return None  # left or timeout

    def _replay(self) -> None:
        """REPLAY after the end, then a new play of the same media in the same session."""
        self.t += self.rng.randrange(500, 5000)
        self.emit(int(EventType.REPLAY))
        self.pos = 0
        self.quartile = 0
        self.ended = False
        self._start_play(self.rng.randrange(80, 500))

    def _play_interactive(self, project: Entry) -> Entry | None:
        """A path project: the viewer moves through nodes by clicking hotspots."""
        rng = self.rng
        assert project.start_node is not None
        node = project.nodes[project.start_node]
        self._load(node.entry)
        self._set_media_field("nodeId", node.node_id)
        self.emit(IMPRESSION)
        if rng.random() < 0.2:
            return None
        self.t += self._request_delay()
        self.emit(PLAY_REQUEST)
        if rng.random() < 0.04:
            return None
        self._start_play(self._join_time(), node=node)
        while True:
            will_click = bool(node.hotspots) and rng.random() < 0.65
            if will_click:
                budget = int(node.entry.duration_ms * rng.uniform(0.5, 0.98))
            else:
                budget = self._budget()
            outcome = self._watch(budget)
            nxt: Node | None = None
            extra: dict[str, Any] = {}
            if outcome == "dropped" and will_click:
                hotspot = rng.choice(node.hotspots)
                self.t += rng.randrange(200, 2000)
                self.emit(
                    int(EventType.HOTSPOT_CLICKED),
                    {
                        "hotspotId": hotspot.hotspot_id,
                        "hotspotName": hotspot.name,
                        "destination": hotspot.destination,
                        "nodeLevel": node.level,
                    },
                )
                if not hotspot.to_node:
                    return None  # off to the partner's web site
                nxt = project.nodes[hotspot.destination]
                extra = {"hotspotId": hotspot.hotspot_id, "hotspotName": hotspot.name}
            elif outcome == "ended" and node.hotspots and rng.random() < 0.5:
                default = next(h for h in node.hotspots if h.to_node)
                nxt = project.nodes[default.destination]
            if nxt is None:
                if outcome == "dropped" and rng.random() < 0.35:
                    self.emit(PAUSE, {"playTimeSum": self.play_time / 1000})
                return None
            self.emit(
                int(EventType.NODE_SWITCH),
                {
                    **extra,
                    "destination": nxt.node_id,
                    "nodeLevel": nxt.level,
                },
            )
            node = nxt
            # a node is a media of its own (eventIndex restarts) within the same project load
            self._load(node.entry, change_media=False)
            self._set_media_field("nodeId", node.node_id)
            self._start_play(rng.randrange(100, 700), node=node)
