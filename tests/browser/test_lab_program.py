"""In JupyterLab, the program builder makes a program from clicks and writes a pack that opens."""

from __future__ import annotations

import json

from backstretch_kit.patient_pack import open_patient_pack
from conftest import idle_kernel_id, screenshot

NOTEBOOK = "program-builder-check.ipynb"
CELL = """\
import datetime as dt
from backstretch_kit.widgets import ProgramBuilder

ProgramBuilder("Client A", start=dt.date(2026, 3, 2), time_zone="Europe/Berlin", folder="packs")
"""


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _write_notebook(folder) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                   "outputs": [], "source": CELL}],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                    "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    (folder / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")


def test_click_a_program_together_and_make_its_pack(jupyter_lab, page):
    """Toggle Tuesday and Thursday, see the weeks follow, make the pack, open it in Python."""
    _write_notebook(jupyter_lab.notebooks)
    page.goto(f"{jupyter_lab.url}/lab/tree/{NOTEBOOK}?reset", timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    idle_kernel_id(jupyter_lab, NOTEBOOK)  # the server's word that the kernel is there
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    _menu(page, "Run", "Run All Cells")
    builder = page.locator(".bk-program-builder")
    builder.wait_for(timeout=90_000)
    status = page.locator(".bk-program-status")
    status.filter(has_text="18 sessions over 6 weeks for Client A.").wait_for(timeout=30_000)
    assert builder.locator(".bk-program-table tr").count() == 7

    page.locator(".bk-program-day-tuesday").click()
    page.locator(".bk-program-day-thursday").click()
    status.filter(has_text="12 sessions over 6 weeks").wait_for(timeout=30_000)

    page.locator(".bk-program-pack").click()
    status.filter(has_text="Saved the patient pack as client-a-program.zip.").wait_for(
        timeout=60_000
    )
    screenshot(page, "lab-program-builder", element=builder)
    text = builder.inner_text()
    assert "Error" not in text and "Something went wrong" not in text
    assert page.page_errors == []

    opened = open_patient_pack(jupyter_lab.notebooks / "packs" / "client-a-program.zip")
    assert opened.program.days == ("tuesday", "thursday")
    assert opened.program.person == "Client A"
    assert len(opened.program.planned_days()) == 12
