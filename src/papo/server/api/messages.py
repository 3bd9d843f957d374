"""Editing and deleting single messages."""

from apiflask import APIBlueprint

from ..schemas import MessageEdit, MessageOut
from ..services import messages
from .declare import declared
from .guard import current_user

bp = APIBlueprint("messages", __name__, url_prefix="/messages", tag="Messages")


@bp.patch("/<int:message_id>")
@declared(bp, body=MessageEdit, answer=MessageOut)
@bp.doc(responses={403: "Not your message", 404: "No such message"})
def edit_message(message_id: int, data: dict):
    """Change the text of your message (admins: any message)."""
    text = messages.clean_text(data["message"])
    message = messages.edit(actor=current_user(), message_id=message_id, text=text)
    return messages.public(message, message.room)


@bp.delete("/<int:message_id>")
@declared(bp)
@bp.doc(responses={403: "Not your message", 404: "No such message"})
def delete_message(message_id: int):
    """Delete your message (admins: any message)."""
    messages.remove(actor=current_user(), message_id=message_id)
    return ""
