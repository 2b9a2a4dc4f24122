"""Seed requirement types and contact outcomes. Reference data: later changes switch rows off, never delete."""

from django.db import migrations

# code, name, measure, counts as RAR, unpaid work, accredited programme, description
REQUIREMENT_TYPES = [
    ("rar", "Rehabilitation activity requirement", "days", True, False, False,
     "Activities up to the maximum number of days the court set. Any activity on a day counts as one day."),
    ("unpaid_work", "Unpaid work", "hours", False, True, False,
     "Hours of unpaid work in the community. Adults 40 to 300 hours; under-18s 40 to 240."),
    ("accredited_programme", "Accredited programme", "sessions", False, False, True,
     "A named group or one-to-one programme of a set number of sessions."),
    ("curfew", "Curfew", "none", False, False, False, "At a set address between set hours, usually electronically monitored."),
    ("drug_rehabilitation", "Drug rehabilitation", "none", False, False, False, "Drug treatment and testing."),
    ("alcohol_treatment", "Alcohol treatment", "none", False, False, False, "Treatment for alcohol dependency."),
    ("mental_health_treatment", "Mental health treatment", "none", False, False, False,
     "Treatment by or under the direction of a registered medical practitioner or psychologist."),
    ("exclusion", "Exclusion", "none", False, False, False, "Not to enter a named place or area."),
    ("residence", "Residence", "none", False, False, False, "To live at a named place."),
    ("prohibited_activity", "Prohibited activity", "none", False, False, False, "Not to take part in named activities."),
    ("supervision", "Supervision (youth rehabilitation order)", "none", False, False, False,
     "Meetings with the youth offending team case manager."),
]

# code, name, attended, complied, enforceable, acceptable absence, rescheduled, sort order
CONTACT_OUTCOMES = [
    ("attended_complied", "Attended and complied", True, True, False, False, False, 1),
    ("attended_failed_to_comply", "Attended, failed to comply", True, False, True, False, False, 2),
    ("attended_sent_home", "Attended, sent home (behaviour)", True, False, True, False, False, 3),
    ("unacceptable_absence", "Unacceptable absence", False, False, True, False, False, 4),
    ("acceptable_absence", "Acceptable absence", False, True, False, True, False, 5),
    ("rescheduled_by_service", "Rescheduled by the service", False, True, False, False, True, 6),
    ("rescheduled_by_person", "Rescheduled at the person's request", False, True, False, False, True, 7),
]


def seed(apps, schema_editor):
    RequirementType = apps.get_model("cases", "RequirementType")
    ContactOutcome = apps.get_model("cases", "ContactOutcome")
    for code, name, measure, rar, upw, programme, description in REQUIREMENT_TYPES:
        RequirementType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "counts_as_rar": rar,
                "is_unpaid_work": upw,
                "is_accredited_programme": programme,
                "description": description,
            },
        )
    for code, name, attended, complied, enforceable, acceptable, rescheduled, order in CONTACT_OUTCOMES:
        ContactOutcome.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "attended": attended,
                "complied": complied,
                "enforceable": enforceable,
                "acceptable_absence": acceptable,
                "rescheduled": rescheduled,
                "sort_order": order,
            },
        )


def unseed(apps, schema_editor):
    """Reversing is allowed only while nothing uses the rows (PROTECT would refuse otherwise)."""
    apps.get_model("cases", "RequirementType").objects.filter(code__in=[row[0] for row in REQUIREMENT_TYPES]).delete()
    apps.get_model("cases", "ContactOutcome").objects.filter(code__in=[row[0] for row in CONTACT_OUTCOMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_court_sentence_allocation_contacts_plans")]

    operations = [migrations.RunPython(seed, unseed)]
