"""The calendar: the demo's 2026 closed days, importing a decree's days (idempotent, correcting),
a region's own days, cuti bersama kept open, the events, and bad input named."""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import PatendTestCase, main, pb  # noqa: E402

NATIONAL = pb.CLOSED_DAY_KIND_NATIONAL_HOLIDAY
CUTI = pb.CLOSED_DAY_KIND_CUTI_BERSAMA
REGIONAL = pb.CLOSED_DAY_KIND_REGIONAL_HOLIDAY


def key():
    return str(uuid.uuid4())


def day(date, kind, name):
    return pb.ClosedDay(date=date, kind=kind, name=name)


class CalendarTest(PatendTestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.login("admin@pemda-temanggung")

    def days(self, c, year):
        r = c.rpc("ListClosedDays", year=year)
        return r, [(d.date, d.kind, d.name) for d in r.days]

    def test_the_demo_has_the_2026_decree(self):
        r, days = self.days(self.login("loket@kaloran"), 2026)
        self.assertEqual(len(days), 25)
        self.assertEqual(days[0], ("2026-01-01", NATIONAL, "Tahun Baru 2026 Masehi"))
        self.assertEqual(sum(1 for d in days if d[1] == CUTI), 8)
        self.assertEqual([d[0] for d in days], sorted(d[0] for d in days))
        self.assertFalse(r.cuti_bersama_open)
        self.assertEqual(self.days(self.admin, 2027)[1], [])

    def test_import_adds_corrects_and_is_idempotent(self):
        watcher = self.login("loket@taman")  # another region: national days are everyone's
        watcher.rpc("Subscribe", from_now=True)
        k = key()
        batch = [day("2027-01-01", NATIONAL, "Tahun Baru 2027 Masehi"),
                 day("2027-02-08", CUTI, "Cuti Bersama Tahun Baru Imlek"),
                 day("2026-01-01", NATIONAL, "Tahun Baru 2026 Masehi")]
        r = self.admin.rpc("ImportHolidays", idempotency_key=k, days=batch)
        self.assertEqual((r.added, r.updated, r.unchanged), (2, 0, 1))
        ev = watcher.next_event()
        self.assertEqual(list(ev.calendar_changed.years), [2027, 2026])
        # The same request again (a lost reply re-sent) is answered the same, changing nothing.
        r2 = self.admin.rpc("ImportHolidays", idempotency_key=k, days=batch)
        self.assertEqual((r2.added, r2.updated, r2.unchanged), (2, 0, 1))
        # The same file imported again, from the other region: all unchanged, no event.
        other = self.login("admin@pemda-pemalang")
        r3 = other.rpc("ImportHolidays", idempotency_key=key(), days=batch)
        self.assertEqual((r3.added, r3.updated, r3.unchanged), (0, 0, 3))
        # A corrected decree: the name and the kind of a day change.
        fixed = [day("2027-02-08", NATIONAL, "Tahun Baru Imlek 2578 Kongzili")]
        r4 = self.admin.rpc("ImportHolidays", idempotency_key=key(), days=fixed)
        self.assertEqual((r4.added, r4.updated, r4.unchanged), (0, 1, 0))
        self.assertEqual(self.days(watcher, 2027)[1],
                         [("2027-01-01", NATIONAL, "Tahun Baru 2027 Masehi"),
                          ("2027-02-08", NATIONAL, "Tahun Baru Imlek 2578 Kongzili")])
        self.assertEqual(watcher.next_event().calendar_changed.years, [2027])
        watcher.rpc("Ping")
        self.assertEqual(watcher.events, [])
        self.assertEqual(self.db.sql("SELECT count(*) FROM audit_log WHERE action = "
                                     "'HOLIDAYS_IMPORTED'"), "3")

    def test_import_refuses_bad_days_and_writes_nothing(self):
        good = day("2027-01-01", NATIONAL, "Tahun Baru")
        cases = [
            ([good, day("2027-02-30", NATIONAL, "X")], "days[1]"),
            ([day("2027-13-01", NATIONAL, "X")], "days[0]"),
            ([good, day("2027-03-01", REGIONAL, "X")], "days[1]"),
            ([good, day("2027-03-01", 0, "X")], "days[1]"),
            ([good, day("2027-03-01", NATIONAL, "")], "days[1]"),
            ([good, day("2027-03-01", NATIONAL, "x" * 201)], "days[1]"),
            ([good, good], "days[1]"),
            ([], "days"),
            ([day("2027-01-%02d" % (i % 28 + 1), NATIONAL, "X") for i in range(201)], "days"),
        ]
        for days, field in cases:
            e = self.admin.rpc_error("ImportHolidays", idempotency_key=key(), days=days)
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field), days[:3])
        self.assertEqual(self.db.sql("SELECT count(*) FROM closed_days WHERE day >= "
                                     "'2027-01-01'"), "0")
        e = self.admin.rpc_error("ImportHolidays", days=[good])
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "idempotency_key"))

    def test_a_regional_day_is_the_regions_only(self):
        watcher = self.login("camat@kaloran")
        watcher.rpc("Subscribe", from_now=True)
        outsider = self.login("camat@taman")
        outsider.rpc("Subscribe", from_now=True)
        r = self.admin.rpc("AddRegionalDay", idempotency_key=key(), date="2026-11-30",
                           name="Hari Jadi Kabupaten Temanggung")
        self.assertEqual((r.day.date, r.day.kind), ("2026-11-30", REGIONAL))
        self.assertEqual(list(watcher.next_event().calendar_changed.years), [2026])
        self.assertIn(("2026-11-30", REGIONAL, "Hari Jadi Kabupaten Temanggung"),
                      self.days(watcher, 2026)[1])
        self.assertEqual(len(self.days(outsider, 2026)[1]), 25)
        outsider.rpc("Ping")
        self.assertEqual(outsider.events, [])
        # The same day twice is refused by name, and nothing is added.
        e = self.admin.rpc_error("AddRegionalDay", idempotency_key=key(), date="2026-11-30",
                                 name="Lagi")
        self.assertEqual(e.code, "ALREADY_EXISTS")
        self.assertEqual(len(self.days(watcher, 2026)[1]), 26)
        # Pemalang may close the same date for its own reason.
        other = self.login("admin@pemda-pemalang")
        other.rpc("AddRegionalDay", idempotency_key=key(), date="2026-11-30", name="Acara Pemalang")
        self.assertIn(("2026-11-30", REGIONAL, "Acara Pemalang"), self.days(outsider, 2026)[1])
        for fields, field in ((dict(date="30-11-2026", name="X"), "date"),
                              (dict(date="2026-11-31", name="X"), "date"),
                              (dict(date="2026-12-01", name=""), "name")):
            e = self.admin.rpc_error("AddRegionalDay", idempotency_key=key(), **fields)
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field))

    def test_cuti_bersama_kept_open(self):
        watcher = self.login("loket@kandangan")
        watcher.rpc("Subscribe", from_now=True)
        r = self.admin.rpc("SetCutiBersamaOpen", idempotency_key=key(), open=True, year=2026)
        self.assertTrue(r.cuti_bersama_open)
        self.assertEqual(len(r.days), 25)  # still listed, with the region's setting beside them
        self.assertEqual(list(watcher.next_event().calendar_changed.years), [2026])
        self.assertTrue(self.days(watcher, 2026)[0].cuti_bersama_open)
        self.assertFalse(self.days(self.login("loket@taman"), 2026)[0].cuti_bersama_open)
        # The deadline arithmetic's view (region_closed_days) drops them for this region only.
        q = ("SELECT count(*) FROM region_closed_days((SELECT id FROM regions WHERE code = '%s'), "
             "'2026-01-01', '2026-12-31')")
        self.assertEqual(self.db.sql(q % "temanggung"), "17")
        self.assertEqual(self.db.sql(q % "pemalang"), "25")
        self.admin.rpc("SetCutiBersamaOpen", idempotency_key=key(), open=False)
        self.assertEqual(self.db.sql(q % "temanggung"), "25")

    def test_list_year_bounds(self):
        e = self.admin.rpc_error("ListClosedDays", year=1999)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "year"))
        # 0: the current year on the business clock, in the region's time zone.
        self.set_clock(freeze_at_ms=1798736400000)  # 2026-12-31T17:00Z, 00:00 in Jakarta
        self.assertEqual(len(self.login("loket@kaloran").rpc("ListClosedDays").days), 0)
        self.set_clock(freeze_at_ms=1798736399000)  # a second earlier: still 2026 there
        self.assertEqual(len(self.login("loket@kaloran").rpc("ListClosedDays").days), 25)


if __name__ == "__main__":
    main()
