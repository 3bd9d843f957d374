"""Papo's desktop client (Tkinter/ttk)."""
