"""Deal pages of the portal: my deals, a deal, the agents' pipeline and the managers' view."""
