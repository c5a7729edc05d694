from parkparty import access


def test_the_world_builds_and_scopes_a_secretary_to_their_branch(world):
    members = access.visible(world.users["secretary_a"], type(world.member_a))
    assert list(members) == [world.member_a]
