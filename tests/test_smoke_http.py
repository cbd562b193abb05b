from tests import factories


def test_home_signed_out_offers_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/login"' in response.text


def test_young_person_home_shows_their_adviser(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    response = client.get("/")
    assert response.status_code == 200
    assert "Hello, Ada" in response.text
    assert world.pa.full_name in response.text
