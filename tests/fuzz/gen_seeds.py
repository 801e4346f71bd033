#!/usr/bin/python3
"""Writes the seed corpora of the family fuzz targets: tests/fuzz/corpus/<family>/.

Each seed is one byte choosing the request type within its family (the family's types sorted by
number, as fuzz_family.c sorts them) followed by a valid encoded request of that type: for every
type an empty one and one with every field set to a plausible value (found by the field's name),
plus hand-written requests for the messages whose checks are richest (a service with fields and
criteria, tariffs of each formula, corrections, an interest regime, a file's form).

Usage: PATEN_PROTO_PY=<build>/proto gen_seeds.py [CORPUS_DIR]
Run it again after a message changes; the seeds it writes replace those of the same name, and
seeds found by fuzzing (other names) are kept.
"""

import os
import sys

sys.path.insert(0, os.environ.get("PATEN_PROTO_PY", "."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import paten_pb2 as pb  # noqa: E402
from google.protobuf import descriptor as D  # noqa: E402

# The families as ranges of MessageType numbers; the same as in_family() in fuzz_family.c.
FAMILIES = {
    "system": lambda t: 1 <= t < 30 or 50 <= t < 60 or t >= 9000,
    "people": lambda t: 30 <= t < 50,
    "catalog": lambda t: 60 <= t < 80,
    "files": lambda t: 80 <= t < 130,
    "assess": lambda t: 130 <= t < 150,
    "money": lambda t: 150 <= t < 200,
}


def requests():
    """MessageType value -> (rpc name, request class), from service Paten."""
    import re
    out = {}
    for m in pb.DESCRIPTOR.services_by_name["Paten"].methods:
        t = pb.MessageType.Value("MESSAGE_TYPE_" + re.sub(r"(?<!^)(?=[A-Z])", "_", m.name).upper())
        out[t] = (m.name, getattr(pb, m.input_type.name))
    return out


def family_types(name):
    return sorted(t for t in requests() if FAMILIES[name](t))


# Plausible values by field name; the first pattern contained in the name wins.
STRINGS = [
    ("idempotency_key", "123e4567-e89b-12d3-a456-426614174000"),
    ("responsible_nik", "3323010101900001"),
    ("nik", "3323014107850002"),
    ("nip", "198503302010011002"),
    ("npwp", "01.234.567.8-901.000"),
    ("npwpd", "P.2.0001.02.01"),
    ("nib", "1234567890123"),
    ("date", "2026-03-02"),
    ("effective_from", "2026-01-01"),
    ("from", "2026-03-01"),
    ("to", "2026-03-31"),
    ("amount", "1458000"),
    ("value", "72.5"),
    ("min", "0"),
    ("max", "100"),
    ("password", "rahasia-demo-2026"),
    ("login", "admin@pemda-temanggung"),
    ("username", "loket2@kec-parakan"),
    ("rule_json", '{"field": "luas_bangunan", "op": "<=", "value": 100}'),
    ("register_number", "503/0001/PRK/2026"),
    ("number", "973/0001/SKRD/2026"),
    ("region_code", "3323"),
    ("code", "imb-2012"),
    ("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ("field", "luas_bangunan"),
    ("name", "Budi Santoso"),
]


def string_for(name):
    for pat, v in STRINGS:
        if pat in name:
            return v
    return "contoh"


def fill(msg, depth=0):
    """Sets every field of msg (one member of each oneof, one element of each repeated field)."""
    seen_oneofs = set()
    for f in msg.DESCRIPTOR.fields:
        if f.containing_oneof is not None:
            if f.containing_oneof.name in seen_oneofs:
                continue
            seen_oneofs.add(f.containing_oneof.name)
        repeated = f.label == D.FieldDescriptor.LABEL_REPEATED
        if f.type == D.FieldDescriptor.TYPE_MESSAGE:
            if depth >= 3:
                continue
            sub = getattr(msg, f.name).add() if repeated else getattr(msg, f.name)
            fill(sub, depth + 1)
            if not repeated:
                sub.SetInParent()
            continue
        if f.type == D.FieldDescriptor.TYPE_STRING:
            v = string_for(f.name)
        elif f.type == D.FieldDescriptor.TYPE_BYTES:
            v = b"\x01\x02\x03"
        elif f.type == D.FieldDescriptor.TYPE_BOOL:
            v = True
        elif f.type == D.FieldDescriptor.TYPE_ENUM:
            vals = f.enum_type.values
            v = vals[1].number if len(vals) > 1 else vals[0].number
        elif f.type in (D.FieldDescriptor.TYPE_DOUBLE, D.FieldDescriptor.TYPE_FLOAT):
            v = 1.5
        elif "ms" in f.name.split("_") or f.name.endswith("_ms"):
            v = 1772409600000
        elif "year" in f.name:
            v = 2026
        elif "limit" in f.name:
            v = 20
        else:
            v = 1
        if repeated:
            getattr(msg, f.name).append(v)
        else:
            setattr(msg, f.name, v)
    return msg


def tariff(formula, n_inputs, table=False):
    t = pb.Tariff(code="imb-2012", service_code="imb", name="Retribusi IMB",
                  legal_basis="Perda Kab. Temanggung No. 10 Tahun 2012",
                  effective_from="2026-01-01", formula=formula,
                  rounding_mode=pb.ROUNDING_MODE_HALF_UP, rounding_unit=100)
    for i in range(n_inputs):
        src = pb.TARIFF_SOURCE_FIELD if i == 0 else pb.TARIFF_SOURCE_CONSTANT
        inp = t.inputs.add(label="Masukan %d" % (i + 1), source=src, value="1.25")
        if src == pb.TARIFF_SOURCE_FIELD:
            inp.field = "luas_bangunan"
            inp.value = ""
    if table:
        t.inputs[1].source = pb.TARIFF_SOURCE_TABLE
        t.inputs[1].field = "jenis_bangunan"
        t.inputs[1].value = ""
        t.inputs[1].table.add(key="PERMANEN", value="1.5")
        t.inputs[1].table.add(key="*", value="1")
    return t


def special():
    """Hand-written requests: rpc name -> list of (seed name, message)."""
    svc = pb.Service(code="imb", name="Izin Mendirikan Bangunan", kind=1, survey=1, authority=1,
                     fee=1, deadline_working_days=14, validity_unit=1, validity_amount=5,
                     legal_basis="Perbup 25/2016", active=True)
    svc.fields.add(name="luas_bangunan", label="Luas bangunan", type=pb.FIELD_TYPE_NUMBER,
                   unit="m2", required=True, min="0", max="10000")
    svc.fields.add(name="jenis_bangunan", label="Jenis", type=pb.FIELD_TYPE_CHOICE,
                   choices=["PERMANEN", "SEMENTARA"], required=True)
    svc.fields.add(name="tanggal_mulai", label="Mulai", type=pb.FIELD_TYPE_DATE)
    svc.fields.add(name="bertingkat", label="Bertingkat", type=pb.FIELD_TYPE_YES_NO)
    svc.fields.add(name="keterangan", label="Keterangan", type=pb.FIELD_TYPE_TEXT)
    svc.requirements.add(code="ktp", text="Fotokopi KTP")
    svc.requirements.add(code="kuasa", text="Surat kuasa", when="represented")
    svc.requirements.add(code="konstruksi", text="Gambar konstruksi",
                         when="jenis_bangunan=PERMANEN")
    svc.criteria.add(reason="Luas paling banyak 100 m2 dan tidak bertingkat", rule_json=(
        '{"all": [{"field": "luas_bangunan", "op": "<=", "value": 100},'
        ' {"not": {"field": "bertingkat", "op": "=", "value": true}},'
        ' {"any": [{"field": "jenis_bangunan", "op": "in", "value": ["PERMANEN", "SEMENTARA"]},'
        ' {"field": "tanggal_mulai", "op": ">=", "value": "2026-01-01"}]}]}'))
    key = "123e4567-e89b-12d3-a456-426614174000"
    take_in = pb.TakeInRequest(idempotency_key=key, service_id=1,
                               applicant=pb.Applicant(kind=1, nik="3323014107850002",
                                                      name="Siti Aminah", address="Parakan"),
                               requirements=["ktp", "konstruksi"])
    for n, v in [("luas_bangunan", "72.5"), ("jenis_bangunan", "PERMANEN"),
                 ("tanggal_mulai", "2026-03-02"), ("bertingkat", "false"),
                 ("keterangan", "rumah tinggal")]:
        take_in.fields.add(name=n, value=v)
    regime = pb.InterestRegime(name="Perda 2/2024", legal_basis="Perda Kab. Temanggung 2/2024",
                               effective_from="2026-01-01", monthly_bp=100, max_months=24,
                               started_month_counts=True, rounding_mode=pb.ROUNDING_MODE_UP,
                               rounding_unit=100, due_days=30)
    dup = tariff(pb.TARIFF_FORMULA_IMB, 4, table=True)
    dup.inputs[1].table.add(key="PERMANEN", value="2")
    preview = pb.PreviewAssessmentRequest(file_id=1)
    preview.corrections.add(field="luas_bangunan", value="80", reason="diukur ulang")
    preview.corrections.add(field="jenis_bangunan", value="SEMENTARA", reason="bangunan kayu")
    return {
        "SaveService": [("service_full", pb.SaveServiceRequest(idempotency_key=key, service=svc))],
        "TakeIn": [("take_in_form", take_in)],
        "SaveTariff": [
            ("tariff_imb_table", pb.SaveTariffRequest(
                idempotency_key=key, tariff=tariff(pb.TARIFF_FORMULA_IMB, 4, table=True))),
            ("tariff_ho", pb.SaveTariffRequest(
                idempotency_key=key, tariff=tariff(pb.TARIFF_FORMULA_HO, 4))),
            ("tariff_burial", pb.SaveTariffRequest(
                idempotency_key=key, tariff=tariff(pb.TARIFF_FORMULA_BURIAL, 4))),
            ("tariff_reklame_charge", pb.SaveTariffRequest(
                idempotency_key=key, tariff=tariff(pb.TARIFF_FORMULA_REKLAME_CHARGE, 6))),
            ("tariff_reklame_tax", pb.SaveTariffRequest(
                idempotency_key=key, tariff=tariff(pb.TARIFF_FORMULA_REKLAME_TAX, 7))),
        ],
        # A key given twice was stored as one entry (the table is a JSON object): refused now.
        "SaveTariff_dup": [("tariff_duplicate_table_key", pb.SaveTariffRequest(
            idempotency_key=key, tariff=dup))],
        "SaveInterestRegime": [("regime", pb.SaveInterestRegimeRequest(idempotency_key=key,
                                                                       regime=regime))],
        "PreviewAssessment": [("preview_corrections", preview)],
        "RecordPayment": [("payment_cash", fill(pb.RecordPaymentRequest()))],
        "Login": [("login_demo", pb.LoginRequest(login="kasir@kec-parakan",
                                                 password="rahasia-demo-2026"))],
    }


def seeds(family):
    """(file name, bytes) of every seed of a family."""
    reqs = requests()
    extra = special()
    out = []
    for i, t in enumerate(family_types(family)):
        name, cls = reqs[t]
        sel = bytes([i])
        snake = pb.MessageType.Name(t)[len("MESSAGE_TYPE_"):].lower()
        out.append(("%s_empty" % snake, sel))
        out.append(("%s_full" % snake, sel + fill(cls()).SerializeToString()))
        for seed_name, msg in extra.get(name, []) + extra.get(name + "_dup", []):
            out.append(("%s_%s" % (snake, seed_name), sel + msg.SerializeToString()))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for family in FAMILIES:
        d = os.path.join(root, family)
        os.makedirs(d, exist_ok=True)
        total = 0
        for name, data in seeds(family):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            total += len(data)
        print("%s: %d types, %d bytes" % (family, len(family_types(family)), total))


if __name__ == "__main__":
    main()
