"""Write a sample « journal des démarches » (PDF and CSV) of a fictional person, to look at.

    .venv/bin/python -m devtools.render_report OUTDIR [--rows N] [--bench]

The rows are made up (no database): a month of a job search with applications, interviews,
follow-ups, feedback, trainings and workshops, with French accents, a long position, a
company with a semicolon and one with an emoji (dropped in the PDF, kept in the CSV).
Look at the pages with ``pdftoppm -png -r 80 OUTDIR/*.pdf OUTDIR/page`` (poppler-utils).
``--bench`` also prints the time to make the PDF for 30 and 300 rows, and the file sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from coach.activity_report import ReportRow, file_stem, render_csv, render_pdf

NAME = "Camille Lefèvre-Nguyễn"
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
GENERATED_ON = dt.date(2026, 12, 2)

# (kind, company, position, channel, note): one cycle of a plausible month.
STEPS: tuple[tuple[str, str | None, str | None, str | None, str | None], ...] = (
    ("application", "Décathlon", "Vendeur·se conseil randonnée", "site", None),
    ("workshop", "France Travail", None, None, "Atelier CV « valoriser ses compétences »"),
    ("application", "L'Oréal", "Assistant·e chef de produit", "email", None),
    (
        "feedback_request",
        "Airbus",
        "Ingénieure méthodes",
        "email",
        "Auprès des ressources humaines",
    ),
    ("networking", None, None, "in_person", "Café réseau avec une ancienne collègue de l’agence"),
    ("interview", "Leroy Merlin", "Responsable de rayon", "in_person", None),
    ("follow_up", "Fnac Darty", "Chargé·e de clientèle", "phone", None),
    ("training", "OpenClassrooms", None, "online", "Formation Excel : tableaux croisés dynamiques"),
    ("feedback_received", "Airbus", "Ingénieure méthodes", "call", None),
    (
        "application",
        "Œuvres sociales ; Rhône-Alpes",
        "Coordinateur·rice de projets d'insertion professionnelle et d'accompagnement social",
        "spontaneous",
        None,
    ),
    ("milestone", None, None, None, "Maîtriser Excel — étape franchie : formules avancées"),
    ("job_fair", None, None, None, "Salon de l'emploi de Lyon"),
    ("test", "Capgemini", "Analyste données", "online", None),
    ("appointment", "France Travail", None, "in_person", "Rendez-vous avec ma conseillère"),
    ("application", "Café ☕ Lumière", "Barista", "site", None),
)


def sample_rows(count: int) -> list[ReportRow]:
    """``count`` rows spread over November, a few a day, in date order."""
    days = (END - START).days + 1
    rows = []
    for index in range(count):
        kind, company, position, channel, note = STEPS[index % len(STEPS)]
        day = START + dt.timedelta(days=(index * days) // max(count, 1))
        rows.append(ReportRow(day, kind, company, position, channel, note, "activity", index + 1))
    return rows


def write(outdir: Path, count: int) -> tuple[Path, Path]:
    rows = sample_rows(count)
    outdir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(START, END)
    pdf = outdir / f"{stem}.pdf"
    csv = outdir / f"{stem}.csv"
    pdf.write_bytes(render_pdf(rows, name=NAME, start=START, end=END, generated_on=GENERATED_ON))
    csv.write_bytes(render_csv(rows))
    return pdf, csv


def bench() -> None:
    render_pdf(sample_rows(5), name=NAME, start=START, end=END, generated_on=GENERATED_ON)
    for count in (30, 300):
        rows = sample_rows(count)
        samples = []
        for _ in range(5):
            began = time.perf_counter()
            data = render_pdf(rows, name=NAME, start=START, end=END, generated_on=GENERATED_ON)
            samples.append((time.perf_counter() - began) * 1000)
        csv = render_csv(rows)
        print(
            f"{count:4d} rows: PDF {min(samples):7.1f} ms (best of 5, worst "
            f"{max(samples):.1f} ms), {len(data) / 1024:6.1f} KiB; CSV {len(csv) / 1024:5.1f} KiB"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--rows", type=int, default=len(STEPS) * 2)
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args(argv)
    pdf, csv = write(args.outdir, args.rows)
    print(f"{pdf} ({pdf.stat().st_size} bytes)")
    print(f"{csv} ({csv.stat().st_size} bytes)")
    if args.bench:
        bench()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
