"""The import page as a clerk meets it: the preview (校验) is the default and comes first, it is
listed as a preview with what it would do, and the file it checked is imported from its page with
one confirmation, once, by its uploader; columns the template does not know are named, a blank
header by its column number. Posted with CSRF enforced."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, CsrfClient, make_user
from jiuye.imports.models import ImportJob
from jiuye.registry import idcard
from jiuye.registry.models import Person

pytestmark = pytest.mark.django_db

HEADER = "村(社区)代码,户编号,姓名,公民身份号码,与户主关系,劳动能力,就业意愿,就业状态"


def _csv(rows: int, *, extra: str = "") -> bytes:
    lines = [HEADER + extra]
    for i in range(rows):
        number = idcard.make("610924", date(1990, 1, 1 + i), 11)
        cells = f"610924100001,P{i},预览{i},{number},户主,普通劳动力,是,务农"
        lines.append(cells + ("," * extra.count(",") if extra else ""))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(client: CsrfClient, content: bytes, **fields: str) -> ImportJob:
    upload = SimpleUploadedFile("台账.csv", content, content_type="text/csv")
    response = client.post("/imports/", {"file": upload, "as_of": "2026-10-31", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def test_a_preview_comes_first_and_its_file_is_imported_once_on_confirmation(
    personas: dict[str, User],
) -> None:
    officer = personas["county_a"]
    client = CsrfClient(officer)
    page = client.get("/imports/").content.decode()
    assert 'name="dry_run"' in page and "checked" in page.split('name="dry_run"')[1].split(">")[0]
    assert "确认导入" in page  # the page says that the preview precedes the import
    content = _csv(3) + "610924100001,P9,坏行,123,户主,普通劳动力,是,务农\n".encode()
    preview = _upload(client, content, dry_run="on")
    assert preview.dry_run and (preview.created, preview.rejected) == (3, 1)
    assert not Person.objects.filter(name__startswith="预览").exists()
    listing = client.get("/imports/").content.decode()
    assert "将新增 3" in listing and "校验" in listing
    detail = client.get(f"/imports/{preview.pk}/").content.decode()
    assert "将新增" in detail and "确认导入（新增 3、更新 0）" in detail
    home = client.get("/").content.decode()
    assert "确认导入：台账.csv" in home and "将新增 3" in home  # on the uploader's agenda
    # Another officer of the same county sees the preview but cannot confirm someone else's.
    colleague = make_user("colleague_a", officer.role, COUNTY_A)
    other = CsrfClient(colleague)
    assert "确认导入（" not in other.get(f"/imports/{preview.pk}/").content.decode()
    assert other.post(f"/imports/{preview.pk}/confirm/").status_code == 403
    assert ImportJob.objects.count() == 1
    # A confirmation without the CSRF token is refused and changes nothing.
    assert client.client.post(f"/imports/{preview.pk}/confirm/").status_code == 403
    assert ImportJob.objects.count() == 1
    response = client.post(f"/imports/{preview.pk}/confirm/")
    assert response.status_code == 302
    real = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/imports/{real.pk}/"
    assert not real.dry_run and (real.created, real.rejected, real.sha256) == (3, 1, preview.sha256)
    assert Person.objects.filter(name__startswith="预览").count() == 3
    assert not Path(real.stored_path).exists()  # the file is deleted once imported
    assert "确认导入：台账.csv" not in client.get("/").content.decode()
    # Confirmed once: a second confirmation imports nothing and says why.
    again = client.post(f"/imports/{preview.pk}/confirm/", follow=True)
    assert "已确认导入或已过期" in again.content.decode()
    assert ImportJob.objects.count() == 2
    # A real import is not a preview to confirm.
    client.post(f"/imports/{real.pk}/confirm/")
    assert ImportJob.objects.count() == 2


def test_unknown_columns_are_named_and_a_blank_header_by_its_number(personas: dict[str, User]) -> None:
    client = CsrfClient(personas["county_a"])
    rows = [HEADER + ",备用,,", *(line + ",x,有值," for line in _csv(2).decode().splitlines()[1:])]
    job = _upload(client, ("\n".join(rows) + "\n").encode())
    assert job.created == 2
    assert job.warnings == ["以下列不是模板中的列，已忽略：备用、第 10 列（无表头）"]
    detail = client.get(f"/imports/{job.pk}/").content.decode()
    assert "备用、第 10 列（无表头）" in detail
