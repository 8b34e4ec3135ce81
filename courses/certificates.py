"""The certificate as a PDF (fpdf2): name, course, cohort dates, hours, verification code and URL."""

from pathlib import Path

from fpdf import FPDF

from django.utils import formats, translation
from django.utils.translation import gettext as _

from . import selectors
from .models import Certificate

# A Unicode TrueType font when the system has one (Debian: fonts-dejavu-core), so names in
# Cyrillic, Greek or accented Latin print; otherwise the PDF core font, which is Latin-1 only.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
]


def _font(pdf: FPDF) -> tuple[str, bool]:
    for path in FONT_CANDIDATES:
        if path.exists():
            pdf.add_font("Body", "", str(path))
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("Body", "B", str(bold if bold.exists() else path))
            return "Body", True
    return "Helvetica", False


def render_certificate_pdf(certificate: Certificate, *, verify_url: str, language: str = "en") -> bytes:
    """A one-page landscape certificate.

    Arabic needs its letters joined and its lines laid out right to left: with a Unicode
    font, text goes through HarfBuzz (uharfbuzz) and fpdf2's bidi algorithm. Without such
    a font the certificate falls back to English rather than print Arabic unjoined.
    """
    enrolment = certificate.enrolment
    cohort = enrolment.cohort
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family, unicode_font = _font(pdf)
    if not unicode_font and translation.get_language_info(language)["bidi"]:
        language = "en"
    with translation.override(language):
        if unicode_font:
            # The page's direction, not the first letter's: a line that starts with a Latin
            # course title inside Arabic text still reads right to left.
            rtl = translation.get_language_bidi()
            pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        pdf.set_title(_("Certificate of completion"))
        pdf.set_author("Legis")

        def isolate(value: str) -> str:
            # A URL or code keeps its own left-to-right order inside right-to-left text.
            return f"\u2066{value}\u2069" if unicode_font else value

        def text(value: str) -> str:
            return value if unicode_font else value.encode("latin-1", "replace").decode("latin-1")

        pdf.set_draw_color(11, 92, 173)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_y(32)
        pdf.set_font(family, "B", 30)
        pdf.cell(0, 14, text(_("Certificate of completion")), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font(family, "", 14)
        pdf.cell(0, 8, text(_("This certifies that")), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(family, "B", 24)
        name = selectors.certificate_name(enrolment.user)
        pdf.cell(0, 14, text(name), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(family, "", 14)
        pdf.cell(0, 8, text(_("completed the course")), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "B", 18)
        pdf.multi_cell(0, 10, text(cohort.course.title), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(family, "", 13)
        dates = _("%(cohort)s, %(first)s to %(last)s") % {
            "cohort": cohort.title,
            "first": formats.date_format(cohort.start_date, "DATE_FORMAT"),
            "last": formats.date_format(cohort.last_day, "DATE_FORMAT"),
        }
        pdf.multi_cell(0, 8, text(dates), align="C", new_x="LMARGIN", new_y="NEXT")
        hours = _("%(hours)s study hours") % {"hours": cohort.course.hours}
        pdf.cell(0, 8, text(hours), align="C", new_x="LMARGIN", new_y="NEXT")

        pdf.set_y(pdf.h - 48)
        pdf.set_font(family, "", 11)
        pdf.cell(
            0,
            6,
            text(_("Verification code: %(code)s") % {"code": isolate(certificate.code)}),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.cell(
            0,
            6,
            text(_("Check it at %(url)s") % {"url": isolate(verify_url)}),
            align="C",
            link=verify_url,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        issued = _("Issued on %(date)s") % {"date": formats.date_format(certificate.issued_at, "DATE_FORMAT")}
        pdf.cell(0, 6, text(issued), align="C", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
