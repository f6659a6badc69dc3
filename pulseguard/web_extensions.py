"""Extensions only web processes use, bound to the app in create_app(): JWT and WebSocket routes."""

from flask_jwt_extended import JWTManager
from flask_sock import Sock

jwt = JWTManager()
sock = Sock()
