"""The archive: signed PDFs filed in BagIt bags; the outgoing register, the event log and the signature
policy beside them. Modules by concern: pdf, signatures, draft, numbering, bags, final, entries, filing,
verify, register_export.
"""

import logging

# pyHanko and pypdf log tracebacks for every broken signature or odd object; the findings reach the
# user as Vietnamese notes instead, so keep the libraries quiet unless the application sets up logging.
for _name in ("pyhanko", "pyhanko_certvalidator", "pypdf", "bagit"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
