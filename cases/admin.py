# People and cases are deliberately not in the Django admin: the admin would bypass the access
# scoping and restriction lists in cases.selectors. Staff work with them through the service pages.
