"""Need to know for the individual part (SPEC 8): until section workbooks
carry their own staff (not built yet), no distributed file carries any
person's name or 人员编号 — every part of every section workbook and .eml
decompressed and searched."""
from __future__ import annotations

import email
import email.policy
import io
import zipfile

from cli_fixtures import lyciq
from lyciq_xl import sample_staff
from lyciq_xl.contract import DEFAULT_SECTIONS
from lyciq_xl.sample_data import SECTION_PEOPLE

PEOPLE = [(row[0], row[1]) for row in sample_staff.staff_rows()]


def test_no_personal_data_in_any_distributed_file(sample_path, tmp_path):
    out = tmp_path / "分发"
    result = lyciq("distribute", sample_path, "--out", out)
    assert result.returncode == 0, result.stderr
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == 8
    for path in books:
        with zipfile.ZipFile(path) as z:
            blob = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        # the search sees CJK text: the section's own head (its 责任人) is there
        head = next(h for code, (_, h, _) in SECTION_PEOPLE.items() if path.name.startswith(
            next(n for cd, n, _ in DEFAULT_SECTIONS if cd == code) + "_"))
        assert head in blob, path.name
        leaked = [who for who in PEOPLE if who[0] in blob or who[1] in blob]
        assert not leaked, (path.name, leaked)
    emls = sorted(out.glob("*.eml"))
    assert emls
    for path in emls:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        texts = [str(message["Subject"])]
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if payload is None:
                continue
            if part.get_filename():          # the attached workbook: every part of its zip
                with zipfile.ZipFile(io.BytesIO(payload)) as z:
                    texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
            else:
                texts.append(payload.decode("utf-8", "replace"))
        blob = "\n".join(texts)
        assert not [who for who in PEOPLE if who[0] in blob or who[1] in blob], path.name
