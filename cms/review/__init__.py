"""The expert review in the portal: experts' panels and score sheets, the issuer's
ranking and decision."""
