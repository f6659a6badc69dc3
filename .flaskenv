FLASK_APP=manage:app
