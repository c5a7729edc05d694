"""Check characters of Chinese identifiers, by python-stdnum, with messages that name the rule."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError as StdnumError


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
    """身份证号: 18 characters with a check digit (GB 11643-1999)."""
    try:
        ric.validate(value)
    except InvalidLength as exc:
        raise ValidationError(_("An ID-card number has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The ID-card number's check digit is wrong."), code="checksum") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("This is not a valid ID-card number."), code="format") from exc


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
