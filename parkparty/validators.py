"""Check characters of Chinese identifiers, by python-stdnum, with messages that name the rule."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def validate_credit_code(value: str) -> None:
    """统一社会信用代码: 18 characters with a check character (GB 32100-2015)."""
    try:
        uscc.validate(value)
    except InvalidLength as exc:
        raise ValidationError(_("A credit code has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The credit code's check character is wrong."), code="checksum") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(
            _("A credit code uses digits and upper-case letters other than I, O, S, V and Z."), code="format"
        ) from exc


def validate_id_number(value: str) -> None:
    """身份证号: 18 characters with a check digit (GB 11643-1999) and a real birth date.

    python-stdnum's full check also looks the region code up in a table that lacks many counties
    (Dehua's 350526 among them), so we check the parts the standard defines and not that table.
    """
    number = ric.compact(value)
    if len(number) != 18:
        raise ValidationError(_("An ID-card number has 18 characters."), code="length")
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise ValidationError(_("An ID-card number is 17 digits and a digit or X."), code="format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The ID-card number's check digit is wrong."), code="checksum")
    try:
        ric.get_birth_date(number)
    except StdnumError as exc:
        raise ValidationError(_("The ID-card number holds no valid birth date."), code="birth_date") from exc


def mask_id_number(value: str) -> str:
    """350526********1234: the first 6 and last 4 characters around 8 asterisks."""
    if not value:
        return ""
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def mask_phone(value: str) -> str:
    """138****1234."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"
