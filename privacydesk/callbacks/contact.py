"""How staff see whom to call or write to: an audited read through the register (Sec1, Sec4)."""

from __future__ import annotations

from dataclasses import dataclass

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.register import services as register


@dataclass(frozen=True)
class ContactDetails:
    """The person's name and the ways to reach them; empty strings when unknown or hidden."""

    name: str
    phone: str
    email: str
    address_lines: tuple[str, ...]


def read(callback: CallbackRequest, *, actor: str, purpose: str,
         staff_role: str | None = None) -> ContactDetails:
    """Return the contact details of the callback's person; the read is audited by the
    register with `purpose`. With `staff_role` only categories that role may see appear.
    Raises RestrictedError when the person is restricted (Art. 18)."""
    view = register.read_person(callback.person, actor=actor, purpose=purpose,
                                staff_role=staff_role)
    phones = view.data.get("phone", ())
    chosen = next((p for p in phones if p.id == callback.phone_id),
                  phones[-1] if phones else None)
    emails = view.data.get("email", ())
    addresses = view.data.get("address", ())
    lines: tuple[str, ...] = ()
    if addresses:
        a = addresses[-1].values
        lines = (view.display_name,
                 f"{a['street']} {a['house_number']}".strip(),
                 f"{a['postcode']}  {a['city']}".strip())
        if a.get("country") and a["country"] != "NL":
            lines += (a["country"],)
    return ContactDetails(
        name=view.display_name if view.data.get("names") else "",
        phone=str(chosen.values["number"]) if chosen else "",
        email=str(emails[-1].values["address"]) if emails else "",
        address_lines=lines)
