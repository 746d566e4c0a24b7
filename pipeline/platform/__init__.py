"""What differs between Windows and POSIX, in one place: child processes (`process`), replacing files
another program may hold open (`files`), finding LibreOffice (`soffice`), the console's encoding
(`console`), the workspace launcher (`launcher`) and probing a port to listen on (`network`). No
other module asks which system it runs on.

`constraints` is for the test suite only: it takes away what Windows lacks, so the suite shows the code
does without it (DVK_WINDOWS_CONSTRAINTS=1).
"""
