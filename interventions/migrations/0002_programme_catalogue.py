"""Reference data: the accredited programmes offered in England and Wales (switch off, never delete)."""

from django.db import migrations

# code, name, need area, sessions, delivery, description
PROGRAMMES = [
    ("thinking_skills", "Thinking Skills Programme", "thinking_and_behaviour", 19, "group",
     "Cognitive skills: problem solving, self-control, perspective taking."),
    ("building_better_relationships", "Building Better Relationships", "relationships", 30, "group",
     "For men who have used violence against a female partner."),
    ("resolve", "Resolve", "attitudes", 28, "group", "For men with a history of violence (medium risk)."),
    ("kaizen", "Kaizen", "attitudes", 71, "group", "For high-risk men convicted of violence or sexual offences."),
    ("horizon", "Horizon", "attitudes", 31, "group", "For men convicted of a sexual offence (medium risk and above)."),
    ("new_me_strengths", "New Me Strengths", "thinking_and_behaviour", 26, "group",
     "Adapted for people with learning disabilities or challenges."),
    ("becoming_new_me", "Becoming New Me+", "attitudes", 28, "group",
     "Adapted for people with learning disabilities convicted of violent or sexual offences."),
    ("drink_impaired_drivers", "Drink Impaired Drivers", "alcohol_misuse", 14, "group",
     "For people convicted of drink-driving."),
    ("alcohol_related_violence", "Control of Violence for Angry Impulsive Drinkers", "alcohol_misuse", 28, "group",
     "For people whose violence is linked to alcohol."),
    ("identity_matters", "Identity Matters", "gang_membership", 14, "one_to_one",
     "One-to-one for people convicted of group or gang-related offending."),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("interventions", "Programme")
    for code, name, need_area, sessions, delivery, description in PROGRAMMES:
        Programme.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "need_area": need_area,
                "sessions": sessions,
                "delivery": delivery,
                "description": description,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("interventions", "Programme").objects.filter(code__in=[row[0] for row in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
