def notify_and_close(message, level="success"):
    """Close the wizard and tell the agent what happened."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "message": message,
            "type": level,
            "sticky": level == "danger",
            "next": {"type": "ir.actions.act_window_close"},
        },
    }
