"""Seed the registration (flag) types. Reference data: later changes switch types off, never delete them."""

from django.db import migrations

# code, name, colour, default review months, description
REGISTRATION_TYPES = [
    ("domestic_abuse_perpetrator", "Domestic abuse perpetrator", "red", 3, "Known or suspected perpetrator of domestic abuse."),
    ("domestic_abuse_victim", "Domestic abuse victim", "purple", 6, "Known or suspected victim of domestic abuse."),
    ("child_protection", "Child protection concerns", "red", 3, "A child in the household is subject to a child protection plan, or concerns have been raised."),
    ("child_concerns", "Child concerns", "orange", 6, "Concerns about the person's contact with, or behaviour towards, children."),
    ("weapons", "Weapons", "red", 6, "Convictions, intelligence or concerns about carrying or using weapons."),
    ("hate_crime", "Hate crime", "orange", 6, "Offending motivated by hostility to a protected characteristic."),
    ("risk_to_staff", "Risk to staff", "red", 6, "Staff must follow the safety arrangements before any contact."),
    ("restraining_order", "Restraining order", "orange", 6, "A court order forbids contact with named people or places."),
    ("sex_offender", "Sex offender", "red", 6, "Subject to sex offender notification requirements."),
    ("terrorism", "Terrorism-related", "red", 3, "Terrorist or terrorism-connected offending or concerns."),
    ("serious_further_offence", "Serious further offence", "red", 3, "Charged with a serious further offence while under supervision: a review is due within 3 months."),
    ("vulnerable_adult", "Vulnerable adult", "blue", 6, "An adult at risk of harm who may need care and support."),
    ("marac", "MARAC", "purple", 6, "Discussed at a multi-agency risk assessment conference (high-risk domestic abuse)."),
]


def seed(apps, schema_editor):
    RegistrationType = apps.get_model("risk", "RegistrationType")
    for code, name, colour, months, description in REGISTRATION_TYPES:
        RegistrationType.objects.update_or_create(
            code=code,
            defaults={"name": name, "colour": colour, "default_review_months": months, "description": description},
        )


def unseed(apps, schema_editor):
    """Reversing is allowed only while no registration uses the types (PROTECT would refuse otherwise)."""
    RegistrationType = apps.get_model("risk", "RegistrationType")
    RegistrationType.objects.filter(code__in=[row[0] for row in REGISTRATION_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
