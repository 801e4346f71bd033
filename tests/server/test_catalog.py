"""The service catalog: an ADMIN creates a service and new versions of it (a stale version is a
CONFLICT, old versions stay readable and unchanged), every role reads its own region's catalog,
and every wrong piece of a service is refused by name with nothing written."""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import PatendTestCase, main, pb  # noqa: E402


def key():
    return str(uuid.uuid4())


class CatalogTest(PatendTestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.login("admin@pemda-temanggung")
        self.offices = {o.code: o.id for o in self.admin.rpc("ListOffices").offices}

    def imb(self, **change):
        """A structured, levied service with fields, conditional requirements and criteria."""
        s = pb.Service(
            code="uji-imb", name="Izin Mendirikan Bangunan (uji)",
            kind=pb.SERVICE_KIND_STRUCTURED, survey=pb.SURVEY_POLICY_REQUIRED,
            authority=pb.ISSUING_AUTHORITY_CAMAT, fee=pb.FEE_KIND_RETRIBUSI,
            assessor_office_id=self.offices["dpmptsp-temanggung"],
            treasurer_office_id=self.offices["dpmptsp-temanggung"],
            deadline_working_days=12, validity_unit=pb.VALIDITY_UNIT_NONE,
            legal_basis="Perbup Temanggung (uji)", active=True,
            fields=[pb.FieldSpec(name="luas_bangunan", label="Luas bangunan",
                                 type=pb.FIELD_TYPE_NUMBER, unit="m2", required=True, min="1"),
                    pb.FieldSpec(name="fungsi", label="Fungsi bangunan",
                                 type=pb.FIELD_TYPE_CHOICE, choices=["HUNIAN", "USAHA"],
                                 required=True)],
            requirements=[pb.Requirement(code="ktp", text="Fotokopi KTP pemohon"),
                          pb.Requirement(code="kuasa", text="Surat kuasa bermeterai",
                                         when="represented"),
                          pb.Requirement(code="amdal", text="Dokumen lingkungan",
                                         when="fungsi=USAHA")],
            criteria=[pb.Criterion(rule_json='{"field": "luas_bangunan", "op": "<=", '
                                             '"value": 100}',
                                   reason="Bangunan lebih dari 100 m2 diurus di DPMPTSP")])
        for k, v in change.items():
            if isinstance(v, list):
                del getattr(s, k)[:]
                getattr(s, k).extend(v)
            else:
                setattr(s, k, v)
        return s

    def save(self, service, c=None, k=None):
        return (c or self.admin).rpc("SaveService", idempotency_key=k or key(),
                                     service=service).service

    def test_create_read_version_and_conflict(self):
        watcher = self.login("loket@kaloran")
        watcher.rpc("Subscribe", from_now=True)
        outsider = self.login("loket@taman")
        outsider.rpc("Subscribe", from_now=True)
        k = key()
        s1 = self.save(self.imb(), k=k)
        self.assertEqual((s1.version, s1.code, s1.region_code, s1.active), (1, "uji-imb",
                                                                           "temanggung", True))
        self.assertEqual([f.name for f in s1.fields], ["luas_bangunan", "fungsi"])
        self.assertEqual(list(s1.fields[1].choices), ["HUNIAN", "USAHA"])
        self.assertEqual(s1.fields[0].min, "1")
        self.assertEqual([r.when for r in s1.requirements], ["", "represented", "fungsi=USAHA"])
        self.assertIn('"op":"<="', s1.criteria[0].rule_json.replace(" ", ""))
        ev = watcher.next_event()
        self.assertEqual((ev.service_changed.service.id, ev.service_changed.service.version),
                         (s1.id, 1))
        # The same request re-sent: the same service, not a second one.
        self.assertEqual(self.save(self.imb(), k=k).id, s1.id)
        self.assertEqual(self.db.sql("SELECT count(*) FROM services WHERE code = 'uji-imb'"), "1")

        # Every role of the region reads it; another region does not see it.
        got = watcher.rpc("GetService", service_id=s1.id).service
        self.assertEqual(got, s1)
        self.assertIn(s1.id, [s.id for s in watcher.rpc("ListServices").services])
        self.assertNotIn(s1.id, [s.id for s in outsider.rpc("ListServices").services])
        e = outsider.rpc_error("GetService", service_id=s1.id)
        self.assertEqual((e.code, e.err.field), ("NOT_FOUND", "service_id"))

        # A new version from the version edited; the deadline changes for new files only.
        edited = self.imb(id=s1.id, version=1, deadline_working_days=10)
        s2 = self.save(edited)
        self.assertEqual((s2.id, s2.version, s2.deadline_working_days), (s1.id, 2, 10))
        self.assertEqual(watcher.next_event().service_changed.service.version, 2)
        # A second ADMIN desk still holding version 1 is refused, and nothing is written.
        e = self.admin.rpc_error("SaveService", idempotency_key=key(),
                                 service=self.imb(id=s1.id, version=1, name="Yang lama"))
        self.assertEqual((e.code, e.err.field), ("CONFLICT", "service.version"))
        self.assertEqual(self.db.sql("SELECT max(version) FROM service_versions WHERE "
                                     "service_id = %d" % s1.id), "2")
        # Version 1 is still there as it was (files taken in under it keep it).
        old = watcher.rpc("GetService", service_id=s1.id, version=1).service
        self.assertEqual((old.version, old.deadline_working_days), (1, 12))
        self.assertEqual(watcher.rpc("GetService", service_id=s1.id).service.version, 2)
        e = watcher.rpc_error("GetService", service_id=s1.id, version=3)
        self.assertEqual(e.code, "NOT_FOUND")
        # patend's role may not change a written version, and not even the owner can.
        change = "UPDATE service_versions SET deadline_working_days = 1 WHERE service_id = %d"
        with self.assertRaisesRegex(RuntimeError, "permission denied"):
            self.db.sql(change % s1.id, user="paten_app")
        with self.assertRaisesRegex(RuntimeError, "service_versions"):
            self.db.sql(change % s1.id, user="paten_owner")
        # The other region's events never carried it.
        outsider.rpc("Ping")
        self.assertEqual(outsider.events, [])
        rows = self.db.sql("SELECT action FROM audit_log WHERE entity = 'service' AND "
                           "entity_id = '%d' ORDER BY seq" % s1.id).split("\n")
        self.assertEqual(rows, ["SERVICE_CREATED", "SERVICE_VERSION_ADDED"])

    def test_deactivated_services_leave_the_list(self):
        s1 = self.save(self.imb())
        s2 = self.save(self.imb(id=s1.id, version=1, active=False))
        self.assertFalse(s2.active)
        loket = self.login("loket@kaloran")
        self.assertNotIn(s1.id, [s.id for s in loket.rpc("ListServices").services])
        self.assertIn(s1.id, [s.id for s in loket.rpc("ListServices",
                                                      include_inactive=True).services])
        s3 = self.save(self.imb(id=s1.id, version=2, active=True))
        self.assertTrue(s3.active)

    def test_code_is_unique_and_never_changes(self):
        s1 = self.save(self.imb())
        e = self.admin.rpc_error("SaveService", idempotency_key=key(), service=self.imb())
        self.assertEqual(e.code, "ALREADY_EXISTS")
        e = self.admin.rpc_error("SaveService", idempotency_key=key(),
                                 service=self.imb(id=s1.id, version=1, code="uji-lain"))
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "service.code"))
        # Another region may use the same code.
        other = self.login("admin@pemda-pemalang")
        po = {o.code: o.id for o in other.rpc("ListOffices").offices}
        s = self.save(self.imb(assessor_office_id=po["dpmptsp-pemalang"],
                               treasurer_office_id=po["dpmptsp-pemalang"]), c=other)
        self.assertEqual(s.region_code, "pemalang")
        # And another region's service is not this ADMIN's to version.
        e = self.admin.rpc_error("SaveService", idempotency_key=key(),
                                 service=self.imb(id=s.id, version=1))
        self.assertEqual((e.code, e.err.field), ("NOT_FOUND", "service.id"))

    def test_every_wrong_piece_is_named(self):
        po = self.login("admin@pemda-pemalang").rpc("ListOffices").offices
        pemalang_dpmptsp = [o.id for o in po if o.code == "dpmptsp-pemalang"][0]
        F = pb.FieldSpec
        cases = [
            (dict(code="Uji IMB"), "service.code"),
            (dict(code="x"), "service.code"),
            (dict(name=""), "service.name"),
            (dict(kind=0), "service.kind"),
            (dict(survey=0), "service.survey"),
            (dict(kind=pb.SERVICE_KIND_UNSTRUCTURED), "service.survey"),
            (dict(authority=0), "service.authority"),
            (dict(forward_agency="Dinas PU"), "service.forward_agency"),
            (dict(authority=pb.ISSUING_AUTHORITY_FORWARDED), "service.forward_agency"),
            (dict(fee=0), "service.fee"),
            (dict(fee=pb.FEE_KIND_NONE), "service.assessor_office_id"),
            (dict(assessor_office_id=self.offices["kaloran"]), "service.assessor_office_id"),
            (dict(assessor_office_id=pemalang_dpmptsp), "service.assessor_office_id"),
            (dict(treasurer_office_id=0), "service.treasurer_office_id"),
            (dict(deadline_working_days=0), "service.deadline_working_days"),
            (dict(deadline_working_days=366), "service.deadline_working_days"),
            (dict(validity_unit=pb.VALIDITY_UNIT_YEARS), "service.validity_amount"),
            (dict(validity_amount=5), "service.validity_amount"),
            (dict(fields=[F(name="Luas", label="L", type=pb.FIELD_TYPE_NUMBER)]),
             "service.fields"),
            (dict(fields=[F(name="a", label="A", type=pb.FIELD_TYPE_TEXT),
                          F(name="a", label="A", type=pb.FIELD_TYPE_TEXT)]), "service.fields"),
            (dict(fields=[F(name="a", label="A", type=pb.FIELD_TYPE_CHOICE)]), "service.fields"),
            (dict(fields=[F(name="a", label="A", type=pb.FIELD_TYPE_NUMBER, min="x")]),
             "service.fields"),
            (dict(requirements=[pb.Requirement(code="ktp", text="")]), "service.requirements"),
            (dict(requirements=[pb.Requirement(code="ktp", text="A"),
                                pb.Requirement(code="ktp", text="B")]), "service.requirements"),
            (dict(requirements=[pb.Requirement(code="x1", text="A", when="fungsi=PABRIK")]),
             "service.requirements"),
            (dict(requirements=[pb.Requirement(code="x1", text="A", when="tidak_ada=1")]),
             "service.requirements"),
            (dict(criteria=[pb.Criterion(rule_json='{"field": "tinggi", "op": "<", "value": 3}',
                                         reason="X")]), "service.criteria"),
            (dict(criteria=[pb.Criterion(rule_json='{"field": "luas_bangunan"',
                                         reason="X")]), "service.criteria"),
            (dict(criteria=[pb.Criterion(rule_json='{"field": "luas_bangunan", "op": "<", '
                                                   '"value": 3}', reason="")]),
             "service.criteria"),
        ]
        for change, field in cases:
            e = self.admin.rpc_error("SaveService", idempotency_key=key(),
                                     service=self.imb(**change))
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field), change)
        e = self.admin.rpc_error("SaveService", idempotency_key=key())
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "service"))
        e = self.admin.rpc_error("SaveService", idempotency_key=key(),
                                 service=self.imb(id=5, version=0))
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "service.version"))
        self.assertEqual(self.db.sql("SELECT count(*) FROM services WHERE code LIKE 'uji%'"),
                         "0")


if __name__ == "__main__":
    main()
