"""Who may call what: the dispatcher's table (patend --dump-handlers) must equal the rules below,
every request type of paten.proto must have a rule, and every role gets exactly the answer the
table promises for every request type, in its own office and in another."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import RPC, TYPE, PatendTestCase, main, pb  # noqa: E402

ROLES = ["LOKET", "CAMAT", "SEKRETARIAT", "TIM_TEKNIS", "KASIR", "PETUGAS_SKRD",
         "PETUGAS_PAJAK", "BENDAHARA", "PIMPINAN", "AUDITOR", "ADMIN"]
ANY = set(ROLES)
PUBLIC = "public"

# The rules, written down independently of the server's table.
KEC_STAFF = {"LOKET", "CAMAT", "SEKRETARIAT", "TIM_TEKNIS"}
FILE_READERS = KEC_STAFF | {"KASIR", "PIMPINAN", "AUDITOR"}
OFFICERS = {"PETUGAS_SKRD", "PETUGAS_PAJAK"}

SPEC = {
    "Hello": PUBLIC, "Ping": PUBLIC, "Login": PUBLIC, "Resume": PUBLIC, "SetTestClock": PUBLIC,
    "ServerInfo": ANY, "Logout": ANY, "ChangePassword": ANY, "GetSession": ANY,
    "Subscribe": ANY, "ListOffices": ANY, "ListDelegations": ANY,
    "ListUsers": {"ADMIN"} | KEC_STAFF, "CreateUser": {"ADMIN"}, "UpdateUser": {"ADMIN"},
    "DeactivateUser": {"ADMIN"}, "ResetPassword": {"ADMIN"},
    "CreateDelegation": {"CAMAT"}, "EndDelegation": {"CAMAT"},
    "VerifyAudit": {"AUDITOR", "ADMIN", "PIMPINAN"}, "ListAudit": {"AUDITOR", "ADMIN", "PIMPINAN"},
    "ListClosedDays": ANY, "ListServices": ANY, "GetService": ANY,
    "ImportHolidays": {"ADMIN"}, "AddRegionalDay": {"ADMIN"}, "SetCutiBersamaOpen": {"ADMIN"},
    "SaveService": {"ADMIN"},
    "VerifyDocument": PUBLIC, "GetSigningKeys": PUBLIC,
    "FindApplicant": FILE_READERS, "GetFile": FILE_READERS, "SearchFiles": FILE_READERS,
    "ListRegister": FILE_READERS | {"PETUGAS_SKRD", "PETUGAS_PAJAK"},
    "TakeIn": {"LOKET"}, "ResumeFile": {"LOKET"}, "WithdrawFile": {"LOKET"},
    "HandOver": {"LOKET"}, "ReturnFile": KEC_STAFF, "Dispose": KEC_STAFF,
    "SetSurvey": {"CAMAT"}, "Decide": {"CAMAT"}, "Forward": {"CAMAT"}, "Sign": {"CAMAT"},
    "SubmitSurvey": {"TIM_TEKNIS"}, "RecordMeeting": {"SEKRETARIAT"},
    "Recommend": {"SEKRETARIAT"}, "RecordAgencyOutcome": {"LOKET", "SEKRETARIAT"},
    "Inbox": KEC_STAFF | {"KASIR"}, "OpenDisposition": KEC_STAFF | {"KASIR"},
    "CompleteDisposition": KEC_STAFF | {"KASIR"},
    "ListTariffs": {"ADMIN", "PETUGAS_SKRD", "PETUGAS_PAJAK", "PIMPINAN", "AUDITOR"},
    "SaveTariff": {"ADMIN"}, "ListInterestRegimes": ANY, "SaveInterestRegime": {"ADMIN"},
    "AssessmentQueue": OFFICERS, "PreviewAssessment": OFFICERS, "IssueAssessment": OFFICERS,
    "CancelAssessment": OFFICERS, "IssueBill": OFFICERS,
    "GetAssessment": FILE_READERS | OFFICERS, "AmountDue": FILE_READERS | OFFICERS,
    "SearchAssessments": OFFICERS | {"PIMPINAN", "AUDITOR"},
    "RegisterTaxpayer": {"PETUGAS_PAJAK"}, "FindTaxpayer": {"PETUGAS_PAJAK", "KASIR"},
    "FindOwed": {"KASIR"}, "RecordPayment": {"KASIR"}, "ReversePayment": {"CAMAT"},
    "ListPayments": {"KASIR", "CAMAT", "PIMPINAN", "AUDITOR"},
    "ListUndeposited": {"KASIR"}, "CreateDeposit": {"KASIR"}, "ValidateDeposit": {"KASIR"},
    "ListDeposits": {"KASIR", "CAMAT", "BENDAHARA", "PIMPINAN", "AUDITOR"},
    "Confirm": {"BENDAHARA"}, "ResolveDiscrepancy": {"BENDAHARA"},
    "ListDepositAlerts": {"KASIR", "CAMAT", "BENDAHARA"}, "CheckInvariants": {"AUDITOR"},
}

# A demo user holding exactly each role, at an office of the Temanggung region (not region-wide,
# except ADMIN, which only a PEMDA office holds).
USER_OF = {
    "LOKET": "loket@kaloran", "CAMAT": "camat@kaloran", "SEKRETARIAT": "sekretariat@kaloran",
    "TIM_TEKNIS": "tim_teknis@kaloran", "KASIR": "kasir@kaloran",
    "PETUGAS_SKRD": "petugas_skrd@dpmptsp-temanggung",
    "PETUGAS_PAJAK": "petugas_pajak@bapenda-temanggung",
    "BENDAHARA": "bendahara@dpmptsp-temanggung", "PIMPINAN": "pimpinan@kaloran",
    "AUDITOR": "auditor@kaloran", "ADMIN": "admin@pemda-temanggung",
}


def dump():
    out = subprocess.run([os.environ["PATEND"], "--dump-handlers"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {d["name"]: d for d in (json.loads(l) for l in out.splitlines())}


class TableTest(PatendTestCase):

    def test_dispatch_table_matches_the_rules(self):
        table = dump()
        # Every request type of the protocol has a rule, and no rule is for a type not in it.
        self.assertEqual(set(table), set(TYPE))
        self.assertEqual(set(SPEC), set(TYPE), "a request type without a rule in this test")
        for name, rule in SPEC.items():
            d = table[name]
            self.assertEqual(d["type"], TYPE[name])
            if rule == PUBLIC:
                self.assertTrue(d["public"], name)
            else:
                self.assertFalse(d["public"], name)
                self.assertEqual(set(d["roles"]), rule, name)

    def test_every_role_against_every_request(self):
        table = dump()
        clients = {role: self.login(USER_OF[role]) for role in ROLES}
        # Logout last: it ends the session the other calls need.
        names = sorted(n for n in table if not table[n]["public"])
        names.remove("Logout")
        names.append("Logout")
        for name in names:
            allowed = set(table[name]["roles"])
            for role in ROLES:
                c = clients[role]
                type_ = TYPE[name]
                try:
                    c.call(type_, RPC[type_][0]())
                    answer = "OK"
                except Exception as e:  # noqa: BLE001
                    answer = getattr(e, "code", repr(e))
                if role in allowed:
                    self.assertNotIn(answer, ("PERMISSION_DENIED", "UNAUTHENTICATED"),
                                     "%s as %s" % (name, role))
                else:
                    self.assertEqual(answer, "PERMISSION_DENIED", "%s as %s" % (name, role))

    def test_office_scope_own_office_and_another(self):
        table = dump()
        admin = self.login("admin@pemda-temanggung")
        offices = {o.code: o.id for o in admin.rpc("ListOffices").offices}
        pemalang = self.login("admin@pemda-pemalang")
        taman = [o.id for o in pemalang.rpc("ListOffices").offices if o.code == "taman"][0]
        auditor = self.login("auditor@kaloran")
        scoped = [n for n, d in table.items() if d["scope"] != "none"
                  and "office_id" in RPC[TYPE[n]][0].DESCRIPTOR.fields_by_name]
        self.assertIn("ListUsers", scoped)
        self.assertIn("ListAudit", scoped)
        for name in scoped:
            type_ = TYPE[name]
            holder = admin if "ADMIN" in table[name]["roles"] else auditor
            own = offices["pemda-temanggung"] if holder is admin else offices["kaloran"]
            for office, must_deny in ((own, False), (taman, True), (987654, True)):
                try:
                    holder.call(type_, RPC[type_][0](office_id=office))
                    answer = "OK"
                except Exception as e:  # noqa: BLE001
                    answer = getattr(e, "code", repr(e))
                self.assertEqual(answer == "PERMISSION_DENIED", must_deny,
                                 "%s office %s: %s" % (name, office, answer))
            if table[name]["scope"] == "office":
                # Another office of the same region: only region-wide roles may.
                other = offices["kandangan"]
                try:
                    auditor.call(type_, RPC[type_][0](office_id=other))
                    answer = "OK"
                except Exception as e:  # noqa: BLE001
                    answer = getattr(e, "code", repr(e))
                self.assertEqual(answer, "PERMISSION_DENIED", name)
                region_wide = (admin if "ADMIN" in table[name]["roles"]
                               else self.login("auditor@pemda-temanggung"))
                try:
                    region_wide.call(type_, RPC[type_][0](office_id=other))
                    answer = "OK"
                except Exception as e:  # noqa: BLE001
                    answer = getattr(e, "code", repr(e))
                # Allowed past the scope check (an empty request may still be invalid).
                self.assertIn(answer, ("OK", "INVALID_ARGUMENT"), name)


if __name__ == "__main__":
    main()
