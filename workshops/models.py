# Planning-group assignment, recommendations, votes and reports live here (see DESIGN.md).
