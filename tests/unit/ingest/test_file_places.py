"""A release file's place: its folder's name and its path inside it, wherever the folder is."""

from __future__ import annotations

from pathlib import Path

from services.ingest.file_places import FilePlace, file_place, folder_labels, holds_a_file


def test_a_folder_is_labelled_by_its_name_wherever_it_is():
    assert folder_labels([Path("/srv/seeds")]) == {Path("/srv/seeds"): "seeds"}
    assert file_place(Path("/srv/seeds/2026/a.txt"), [Path("/srv/seeds")]) == \
        file_place(Path("/data/seeds/2026/a.txt"), [Path("/data/seeds")]) == FilePlace("seeds", "2026/a.txt")


def test_folders_of_the_same_name_are_told_apart_by_the_folders_above_them():
    labels = folder_labels([Path("/srv/a/inbox"), Path("/srv/b/inbox"), Path("/srv/press"), Path("/inbox/x/inbox")])
    assert labels == {Path("/srv/a/inbox"): "a/inbox", Path("/srv/b/inbox"): "b/inbox", Path("/srv/press"): "press",
                      Path("/inbox/x/inbox"): "x/inbox"}
    assert folder_labels([Path("/inbox"), Path("/a/inbox")]) == {Path("/inbox"): "/inbox", Path("/a/inbox"): "a/inbox"}


def test_a_folder_written_two_ways_is_one_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert folder_labels([Path("seeds"), Path("./seeds/"), tmp_path / "seeds"]) == {tmp_path / "seeds": "seeds"}


def test_a_file_outside_the_watched_folders_is_placed_in_the_folder_given_else_in_its_own(tmp_path):
    path = tmp_path / "press" / "2026" / "a.txt"
    assert str(file_place(path, [tmp_path / "seeds"])) == f"{tmp_path}/press/2026//a.txt"  # no one named it
    assert str(file_place(path, [tmp_path / "seeds"], [tmp_path / "press"])) == "press//2026/a.txt"
    assert str(file_place(path, [tmp_path / "press" / "2026"], [tmp_path / "press"])) == "2026//a.txt"  # watched


def test_a_folder_of_a_watched_folders_name_elsewhere_is_not_that_folder():
    assert str(file_place(Path("/home/me/old/seeds/a.txt"), [Path("/srv/seeds")])) == "/home/me/old/seeds//a.txt"
    assert str(file_place(Path("/home/me/old/seeds/a.txt"), [Path("/srv/seeds")], [Path("/home/me/old")])) == \
        "old//seeds/a.txt"


def test_a_link_inside_the_folder_is_placed_where_it_leads_and_a_folder_reached_by_a_link_by_the_links_name(
        tmp_path):
    disk = tmp_path / "disk1" / "releases"
    (disk / "2026").mkdir(parents=True)
    (disk / "2026" / "a.txt").write_text("x")
    (disk / "latest.txt").symlink_to(disk / "2026" / "a.txt")
    seeds = tmp_path / "seeds"
    seeds.symlink_to(disk)
    assert file_place(seeds / "latest.txt", [seeds]) == file_place(seeds / "2026" / "a.txt", [seeds]) == \
        FilePlace("seeds", "2026/a.txt")


def test_a_place_names_one_release():
    seeds, inbox = FilePlace("seeds", "a.txt"), FilePlace("inbox", "a.txt")
    assert seeds.release_id() == FilePlace("seeds", "a.txt").release_id() != inbox.release_id()
    assert FilePlace("a", "b/c.txt").release_id() != FilePlace("a/b", "c.txt").release_id()


def test_a_place_written_is_read_back_whatever_its_folder_and_path():
    for place in (FilePlace("seeds", "2026/a b.txt"), FilePlace("a/inbox", "x.txt"), FilePlace("/inbox", "x.txt"),
                  FilePlace("/", "x.txt")):
        assert FilePlace.parse(str(place)) == place


def test_a_place_holds_a_file_only_in_a_watched_folder_and_while_the_file_is_there(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "2026").mkdir(parents=True)
    (seeds / "2026" / "a.txt").write_text("x")
    assert holds_a_file(FilePlace("seeds", "2026/a.txt"), [seeds])
    assert not holds_a_file(FilePlace("seeds", "2026/b.txt"), [seeds])
    assert not holds_a_file(FilePlace("seeds", "2026"), [seeds])  # a folder is no file
    assert not holds_a_file(FilePlace("inbox", "2026/a.txt"), [seeds])
    assert not holds_a_file(FilePlace("seeds", "2026/a.txt"), [])


def test_a_place_in_a_folder_given_is_named_as_a_file_there_is_placed_and_is_not_the_file_read(tmp_path):
    seeds, drafts, other = tmp_path / "srv" / "seeds", tmp_path / "drafts", tmp_path / "old" / "seeds"
    for folder in (seeds, drafts, other):
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text("x")
    assert holds_a_file(FilePlace("drafts", "a.txt"), [seeds], [drafts])
    assert holds_a_file(FilePlace("old/seeds", "a.txt"), [seeds], [other])  # labelled apart from the watched one
    assert not holds_a_file(FilePlace("seeds", "a.txt"), [], [other], other_than=other / "a.txt")
    assert holds_a_file(FilePlace(str(drafts), "a.txt"), [seeds], [], drafts)  # its own: by its absolute path
    assert not holds_a_file(FilePlace("drafts", "a.txt"), [seeds], [], drafts)
