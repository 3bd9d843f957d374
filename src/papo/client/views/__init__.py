"""The client's windows and panels: ttk widgets that render the state and forward intent."""
