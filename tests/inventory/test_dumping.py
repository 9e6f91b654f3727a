"""The pollable lists are dumped by common.dumping.dump_many: exactly what marshmallow's dump gives."""

import sqlalchemy as sa
from marshmallow import Schema, fields, post_dump

from common.dumping import dump_many
from inventory import services
from inventory.models import Product, db
from inventory.schemas import ProductCostSchema, ProductSchema, StockItemSchema


def _products(make_product, owner):
    make_product(sku="SUGAR", stock="12.5", reorder="3")
    make_product(sku="SOAP", price="0.50", stock="0", reorder="0.125")
    make_product(sku="IRONING", track_stock=False)  # no stock level: null
    gone = make_product(sku="GONE", stock="1")
    services.update_product(gone.id, {"active": False}, owner)


def test_rows_and_orm_objects_dump_as_marshmallow_dumps_them(make_product, owner):
    _products(make_product, owner)
    rows = services.list_products("retail")
    objects = list(db.session.scalars(sa.select(Product).where(Product.business == "retail")))
    assert len(rows) == len(objects) == 4
    for schema in (ProductSchema(), StockItemSchema(), ProductCostSchema()):
        for found in (rows, objects):
            assert dump_many(schema, found) == schema.dump(found, many=True)


class Renamed(Schema):
    code = fields.String(attribute="sku", data_key="productCode")
    price = fields.Decimal(as_string=True, places=2)
    label = fields.Function(lambda row: f"{row['sku']}!")
    missing_here = fields.String()


class Hooked(Schema):
    sku = fields.String()

    @post_dump
    def shout(self, data, **kwargs):
        return {key: value.upper() for key, value in data.items()}


def test_attribute_data_key_function_fields_dicts_and_hooks():
    from decimal import Decimal

    dicts = [{"sku": "a1", "price": Decimal("2")}, {"sku": "b2", "price": None}]
    for schema in (Renamed(), Renamed(only=("code",)), Renamed(exclude=("label",)), Hooked()):
        assert dump_many(schema, dicts) == schema.dump(dicts, many=True)
    assert dump_many(Renamed(), dicts)[0] == {"productCode": "a1", "price": "2.00", "label": "a1!"}
