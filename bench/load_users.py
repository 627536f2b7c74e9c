"""The people of bench/load.py: locust users, run as a library in a process of their own.

bench/load.py builds the data, signs people in and serves the app; it starts this script
once for each run of the load, so gevent's monkey-patching (locust's, on import) never
touches the process that works with psycopg and Django:

    python bench/load_users.py PLAN.json RESULT.json

The plan names the server, the kind of run, its users and seconds, and the signed-in
accounts of each role (with what each needs to fill in its forms). A "mixed" run is the
day's traffic: officers (most users) browse, filter, search and page through their
meeting list, open meetings and log new ones; liaisons open their home, their meetings
awaiting review and review them; admins open the dashboards, a measure and the audit
log; each person reads a page for 1 to 3 s before the next. A "list" or "bare" run is
one page asked for again as soon as it is answered. The result holds each page's
requests, failures, median and 95th percentile, requests per second over the measured
time (from the moment every user is running), the count of 5xx answers, the failures
and the meetings each POST answered with its 302.

Every request must answer 200 (a POST 302): anything else, a redirect to sign-in
included, is a failure.
"""

# locust monkey-patches the standard library for gevent when imported: before the rest.
from locust import FastHttpUser, HttpUser, between, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import datetime
import html
import json
import random
import re
import sys
import time
from pathlib import Path

import gevent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import BARE, HOST, next_link  # standard library only

# Mixed runs stop gracefully: a person finishes what they are doing (a form they opened
# is sent), so every POST made is answered and checked.
STOP_TIMEOUT = 60
MEETING_LINK = re.compile(r'href="/meetings/([0-9a-f-]{36})/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d*)"')
CONFIRMATION = re.compile(r'name="(disclosure_\d+)"')
ERROR_SUMMARY = re.compile(r'class="[^"]*govuk-error-summary__list[^"]*">(.*?)</ul>', re.S)
LINK_TEXT = re.compile(r"<a [^>]*>(.*?)</a>", re.S)
# Words the generated meetings' purposes and topics use.
SEARCHES = ["hate", "reporting", "youth", "festival safety"]
SORTS = ["date", "purpose", "status", "area"]

# Over the whole run, ramp-up and stop included (the pages' figures start once every
# user runs): the writes answered 302 (meetings logged, meetings reviewed), the 5xx
# answers and the failed requests by page and error.
created: list[str] = []
reviewed: list[str] = []
server_errors = 0
failures: dict[tuple[str, str], int] = {}


def errors_on(page: str) -> str:
    """The error summary's messages, to say why a form was refused."""
    found = ERROR_SUMMARY.search(page)
    if not found:
        return ""
    return "; ".join(" ".join(text.split()) for text in LINK_TEXT.findall(found.group(1)))


class Person(HttpUser):
    """A signed-in person: each user takes an account of its class (its own session)."""

    abstract = True
    wait_time = between(1, 3)
    accounts: list[dict] = []

    def on_start(self) -> None:
        self.account = type(self).accounts.pop()
        name, value = self.account["cookie"].split("=", 1)
        # The domain and path the server's own Set-Cookie has, so it replaces this one.
        self.client.cookies.set(name, value, domain=HOST, path="/")
        self.seen: list[str] = []  # meetings the person has seen in a list

    def page(self, url: str, name: str) -> str | None:
        """The page's HTML when it answers 200; anything else is a failure."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"answered {response.status_code} {where}".strip())
                return None
            response.success()
            return response.text

    def post(self, url: str, data: dict, name: str) -> str | None:
        """Where the POST redirects when it answers 302; anything else is a failure."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                why = errors_on(response.text) if response.status_code == 400 else ""
                response.failure(f"answered {response.status_code} {why}".strip())
                return None
            response.success()
            return response.headers["Location"]

    def meeting_list(self, query: str, name: str, pages: int = 0) -> None:
        """A page of the list, then `pages` more through its "Next" link."""
        url = "/meetings/" + query
        body = self.page(url, name)
        while body is not None:
            self.seen = MEETING_LINK.findall(body) or self.seen
            following = next_link(url, body.encode())
            if pages == 0 or following is None:
                return
            pages -= 1
            url = following
            body = self.page(url, "meeting list, next page")

    def open_meeting(self) -> None:
        if not self.seen:
            self.meeting_list("", "meeting list")
        if self.seen:
            self.page(f"/meetings/{random.choice(self.seen)}/", "meeting")


class Officer(Person):
    weight = 6

    @task(4)
    def browse(self) -> None:
        self.meeting_list("", "meeting list", pages=random.choice([0, 0, 1, 2]))

    @task(2)
    def filtered(self) -> None:
        account = self.account
        self.meeting_list(
            random.choice(
                [
                    "?status=submitted",
                    "?focus=targeted",
                    f"?area={account['area']}",
                    f"?group={account['group']}",
                    f"?date_from={account['year_start']}",
                ]
            ),
            "meeting list, filtered",
            pages=random.choice([0, 1]),
        )

    @task(1)
    def sort(self) -> None:
        self.meeting_list(f"?sort={random.choice(SORTS)}", "meeting list, sorted")

    @task(1)
    def search(self) -> None:
        self.meeting_list(f"?q={random.choice(SEARCHES)}", "meeting list, search")

    @task(3)
    def meeting(self) -> None:
        self.open_meeting()

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(1)
    def log_meeting(self) -> None:
        """The new-meeting form, filled in and submitted, then the meeting it made."""
        form = self.page("/meetings/new/", "new meeting form")
        if form is None:
            return
        location = self.post("/meetings/new/", self.meeting_data(form), "new meeting, submit")
        if location is None:
            return
        created.append(location.strip("/").split("/")[-1])
        self.page(location, "meeting")

    def meeting_data(self, form: str) -> dict:
        """A complete meeting of one of the officer's usual groups, as the browser sends
        the form: one officer (this one), one follow-up half of the time."""
        account = self.account
        group, area = random.choice(account["groups"])
        day = datetime.date.fromisoformat(account["day"])
        data = {
            "csrfmiddlewaretoken": html.unescape(CSRF.search(form).group(1)),
            "date": day.isoformat(),
            "start_time": "18:30",
            "duration_minutes": "90",
            "venue_kind": "community_venue",
            "area": str(area),
            "groups": [str(group)],
            "confirm_groups": "on",  # whatever the page would warn about the group
            "initiated_by": "community",
            "focus": "community",
            "purpose": "Reassurance after the bridge incident",
            "topics": "hate crime, reporting, festival safety",
            "attendee_count": "20",
            "under_25_count": "5",
            "under_18_count": "0",
            "information_shared": "How to report hate crime; who the team are.",
            "concerns_raised": "Worries about being watched.",
            "concern_topics": ["concern_surveillance", "concern_hate_crime"],
            "passed_on": "False",
            "summary": "Constructive meeting with the committee about reporting.",
            "internal_notes": "Keep the same officers.",
            "version": "",
            "disclosures-TOTAL_FORMS": "1",
            "disclosures-INITIAL_FORMS": "0",
            "disclosures-MIN_NUM_FORMS": "0",
            "disclosures-MAX_NUM_FORMS": "1000",
            "disclosures-0-officer": str(account["officer"]),
            "disclosures-0-level": "full",
            "disclosures-0-method": "verbal",
            "disclosures-0-timing": "start",
            "disclosures-0-reason": "",
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-MIN_NUM_FORMS": "0",
            "follow_ups-MAX_NUM_FORMS": "1000",
            "follow_ups-0-description": "",
            "follow_ups-0-owner": "",
            "follow_ups-0-owed_to": "",
            "follow_ups-0-answers_concern": "",
            "follow_ups-0-due_date": "",
            "submit": "1",
        }
        if random.random() < 0.5:
            data |= {
                "follow_ups-0-description": "Send the hate crime leaflet",
                "follow_ups-0-owner": str(account["officer"]),
                "follow_ups-0-owed_to": str(group),
                "follow_ups-0-due_date": (day + datetime.timedelta(days=14)).isoformat(),
            }
        return data


class Liaison(Person):
    weight = 3

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def awaiting_review(self) -> None:
        self.meeting_list("?status=submitted", "meeting list, filtered")

    @task(2)
    def meeting(self) -> None:
        self.open_meeting()

    @task(2)
    def review(self) -> None:
        """A meeting awaiting this liaison's review (no other user has it): the form,
        answered (one review in five disputes the record), then the meeting."""
        if not self.account["to_review"]:
            return
        uuid = self.account["to_review"].pop()
        url = f"/meetings/{uuid}/review/"
        form = self.page(url, "review form")
        if form is None:
            return
        disputing = random.random() < 0.2
        data = {
            "csrfmiddlewaretoken": html.unescape(CSRF.search(form).group(1)),
            "version": VERSION.search(form).group(1),
            "accuracy": "corrections" if disputing else "accurate",
            "trust_effect": random.choice(["improved", "unchanged"]),
            "comments": "The date was wrong." if disputing else "",
            **dict.fromkeys(CONFIRMATION.findall(form), "yes"),
        }
        location = self.post(url, data, "review form, submit")
        if location is None:
            return
        reviewed.append(uuid)
        self.page(location, "meeting")


class Admin(Person):
    weight = 1

    @task(3)
    def dashboard(self) -> None:
        self.page("/dashboards/", "dashboard")

    @task(1)
    def dashboard_filtered(self) -> None:
        self.page(f"/dashboards/?area={self.account['area']}", "dashboard, one area")

    @task(2)
    def measure(self) -> None:
        self.page(f"/dashboards/measures/{random.choice(self.account['measures'])}/", "measure")

    @task(2)
    def audit(self) -> None:
        self.page("/audit/", "audit log")

    @task(1)
    def meetings(self) -> None:
        self.meeting_list("", "meeting list")


class Alone(FastHttpUser):
    """One page asked for again as soon as it is answered. geventhttpclient's client
    (FastHttpUser) costs the load generator a fraction of the CPU requests' does: with
    HttpUser, locust's one core capped the bare view at a third of what it serves."""

    abstract = True
    wait_time = constant(0)
    url = ""
    name = ""
    accounts: list[dict] = []

    def on_start(self) -> None:
        self.headers = {}
        if type(self).accounts:
            self.headers["Cookie"] = type(self).accounts.pop()["cookie"]

    @task
    def ask(self) -> None:
        with self.client.get(
            self.url,
            name=self.name,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"answered {response.status_code}")


class ListAlone(Alone):
    """An officer asking for their meeting list."""

    url = "/meetings/"
    name = "meeting list"


class BareAlone(Alone):
    """Anyone asking for the bare Django view."""

    url = BARE
    name = "bare view"


KINDS = {"mixed": [Officer, Liaison, Admin], "list": [ListAlone], "bare": [BareAlone]}


def count_failures(name: str, response=None, exception=None, **kwargs) -> None:
    global server_errors
    if response is not None and response.status_code >= 500:
        server_errors += 1
    if exception is not None:
        key = (name, str(exception))
        failures[key] = failures.get(key, 0) + 1


def figures(entry, seconds: float) -> dict:
    return {
        "name": entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5) or 0,
        "p95": entry.get_response_time_percentile(0.95) or 0,
        "rps": entry.num_requests / seconds,
    }


def run(plan: dict) -> dict:
    classes = KINDS[plan["kind"]]
    for user_class in classes:
        user_class.accounts = list(plan["accounts"].get(user_class.__name__, []))
    mixed = plan["kind"] == "mixed"
    environment = Environment(
        user_classes=classes, host=plan["host"], stop_timeout=STOP_TIMEOUT if mixed else None
    )
    environment.events.request.add_listener(count_failures)
    runner = environment.create_local_runner()
    window = {"start": 0.0, "end": 0.0}

    def measure_from_now(**kwargs) -> None:
        # Every user is running: the measured time starts, without the ramp-up.
        environment.stats.reset_all()
        window["start"] = time.perf_counter()
        gevent.spawn_later(plan["seconds"], runner.quit)

    environment.events.spawning_complete.add_listener(measure_from_now)
    runner.start(plan["users"], spawn_rate=min(plan["users"] * 4, 100))
    runner.greenlet.join()
    window["end"] = time.perf_counter()
    seconds = window["end"] - window["start"]
    stats = environment.stats
    return {
        "seconds": seconds,
        "pages": [figures(entry, seconds) for entry in stats.entries.values()],
        "total": figures(stats.total, seconds),
        "server_errors": server_errors,
        "failures": [
            {"name": name, "error": error, "occurrences": occurrences}
            for (name, error), occurrences in failures.items()
        ],
        "created": created,
        "reviewed": reviewed,
        "client_cpu_warning": runner.cpu_warning_emitted,
    }


if __name__ == "__main__":
    plan_path, result_path = sys.argv[1:3]
    result = run(json.loads(Path(plan_path).read_text()))
    Path(result_path).write_text(json.dumps(result))
