"""Offset pagination of SQLAlchemy selects, with flask-smorest's X-Pagination header."""

from sqlalchemy import func, select

from pulseguard.extensions import db

PAGE_OPTIONS = {"page_size": 50, "max_page_size": 500}


def paginate(stmt, pagination_parameters, fetch=None):
    """Return one page of the select's rows and tell flask-smorest how many there are.

    fetch(select) reads the page; by default the first column of each row (an ORM object).
    """
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    pagination_parameters.item_count = db.session.scalar(count)
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []  # past the end (and never an offset too large for the database)
    page = stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return fetch(page) if fetch else db.session.scalars(page).all()
