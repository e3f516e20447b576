"""Queries as people with a problem type them, each with the page they would want first.

Written before the ranking was tuned, from the demo help centre's titles only. Misspellings
and plurals are among them on purpose. A query with usergroups is searched as a signed-in
member of them; the others as the public. PARTIAL_QUERIES were written the same way (before
the weight of a prefix was chosen) as a search-as-you-type box sends them: the last word
still being typed.
"""

KB = "/kb/"

JUDGED_QUERIES: list[tuple[str, str] | tuple[str, str, frozenset[str]]] = [
    ("restore deleted files", KB + "backup-restore/restore-files-from-a-snapshot/"),
    ("recover an old version of a file", KB + "backup-restore/restore-files-from-a-snapshot/"),
    ("new laptop move all my files", KB + "backup-restore/restore-an-entire-computer/"),
    ("exclude node_modules from backup", KB + "backup-restore/exclude-files-from-backup/"),
    ("how long are snapshots kept", KB + "backup-restore/how-snapshots-work/"),
    ("download invoice", KB + "accounts-billing/invoices-and-receipts/"),
    ("cancel my subscription", KB + "accounts-billing/cancel-subscription/"),
    ("upgrade plan", KB + "accounts-billing/change-plan-or-billing-details/"),
    ("change credit card", KB + "accounts-billing/change-plan-or-billing-details/"),
    ("storage quota full", KB + "accounts-billing/plans-and-storage-quotas/"),
    ("add a user to my team", KB + "accounts-billing/add-team-members/"),
    ("install on mac", KB + "getting-started/install-desktop-app-macos/"),
    ("windows installer", KB + "getting-started/install-desktop-app-windows/"),
    ("install command line tool linux", KB + "getting-started/install-cli-linux/"),
    ("set up my first backup", KB + "getting-started/create-your-first-backup-set/"),
    ("api token", KB + "security-admin/api-tokens-for-automation/"),
    ("who deleted files audit", KB + "security-admin/audit-log/"),
    ("two factor authentication", KB + "security-admin/enable-two-factor-authentication/"),
    ("lost my phone can't log in", KB + "troubleshooting/cannot-sign-in/"),
    ("is my data encrypted", KB + "security-admin/encryption-at-rest-and-in-transit/"),
    ("sync conflict", KB + "sync-sharing/resolve-sync-conflicts/"),
    ("conflicted copy", KB + "sync-sharing/resolve-sync-conflicts/"),
    ("only sync some folders", KB + "sync-sharing/selective-sync/"),
    ("share folder with a client", KB + "sync-sharing/share-a-folder-with-a-link/"),
    ("backup stuck scanning", KB + "troubleshooting/backup-stuck-at-scanning/"),
    ("uploads very slow", KB + "troubleshooting/slow-uploads/"),
    ("what does error code mean", KB + "troubleshooting/error-codes-reference/"),
    ("send logs to support", KB + "troubleshooting/collect-diagnostic-logs/"),
    # misspellings
    ("retension policy", KB + "backup-restore/set-a-retention-policy/"),
    ("snapshpt restore", KB + "backup-restore/restore-files-from-a-snapshot/"),
    ("encription key", KB + "security-admin/private-encryption-key/"),
    ("invoce", KB + "accounts-billing/invoices-and-receipts/"),
    ("syncronize folders between computers", KB + "sync-sharing/set-up-sync-folders/"),
    ("instal desktop app windows", KB + "getting-started/install-desktop-app-windows/"),
    # plurals
    ("receipts", KB + "accounts-billing/invoices-and-receipts/"),
    ("retention policies", KB + "backup-restore/set-a-retention-policy/"),
    ("invoices", KB + "accounts-billing/invoices-and-receipts/"),
    # news, downloads, pages
    ("maintenance december", "/news/maintenance-2026-12-06/"),
    ("price increase", "/news/price-update-2027/"),
    ("sydney data region", "/news/sydney-data-region/"),
    ("silent install powershell", "/downloads/silent-install-script/"),
    ("bash completion", "/downloads/tide-shell-completion/"),
    ("support hours", "/contact/"),
    # restricted: found by the usergroup it is written for
    (
        "single sign on saml",
        "/portal/kb/security-admin/single-sign-on-with-saml/",
        frozenset({"administrators"}),
    ),
]

PARTIAL_QUERIES: list[tuple[str, str]] = [
    ("resto", KB + "backup-restore/restore-files-from-a-snapshot/"),
    ("snap", KB + "backup-restore/how-snapshots-work/"),
    ("snapsh", KB + "backup-restore/how-snapshots-work/"),
    ("restore deleted fi", KB + "backup-restore/restore-files-from-a-snapshot/"),
    ("cancel my subscr", KB + "accounts-billing/cancel-subscription/"),
    ("invoi", KB + "accounts-billing/invoices-and-receipts/"),
    ("retention pol", KB + "backup-restore/set-a-retention-policy/"),
    ("selective sy", KB + "sync-sharing/selective-sync/"),
    ("sync confl", KB + "sync-sharing/resolve-sync-conflicts/"),
    ("audit lo", KB + "security-admin/audit-log/"),
    ("api tok", KB + "security-admin/api-tokens-for-automation/"),
    ("two step verif", KB + "security-admin/enable-two-factor-authentication/"),
    ("uploads are sl", KB + "troubleshooting/slow-uploads/"),
    ("diagnostic lo", KB + "troubleshooting/collect-diagnostic-logs/"),
    ("private encryption k", KB + "security-admin/private-encryption-key/"),
    ("install tide on lin", KB + "getting-started/install-cli-linux/"),
    ("invite team mem", KB + "accounts-billing/add-team-members/"),
    ("sydney reg", "/news/sydney-data-region/"),
    ("silent inst", "/downloads/silent-install-script/"),
    ("contact supp", "/contact/"),
]
