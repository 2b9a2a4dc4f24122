from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, CRN or date of birth",
        max_length=100,
        error_messages={"required": "Enter a name, CRN or date of birth"},
        help_text="For example, Smith, X123456 or 27/03/1985",
    )


class ContactDetailsForm(forms.Form):
    telephone = forms.CharField(label="Telephone", max_length=30, required=False)
    mobile = forms.CharField(label="Mobile", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    PHONE_CHARACTERS = set("0123456789 +()-")

    def _clean_phone(self, name: str, label: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value and (not set(value) <= self.PHONE_CHARACTERS or sum(c.isdigit() for c in value) < 10):
            raise forms.ValidationError(f"Enter a {label} number, like 01632 960 001 or 07700 900 982")
        return value

    def clean_telephone(self) -> str:
        return self._clean_phone("telephone", "telephone")

    def clean_mobile(self) -> str:
        return self._clean_phone("mobile", "mobile")
