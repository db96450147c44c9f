"""Inputs shaped like what organisers really have: a leaflet with everything they write on
one, and a 12-megapixel phone photo stored sideways with an EXIF orientation."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES

LINK = "https://peopleandnature.wordpress.com/kazakh-oil-workers/"
PHOTO_SIZE = (4240, 2832)  # 12 megapixels, 3:2, as seen (upright)


def phone_photo(path: Path) -> None:
    """A 3:2 landscape scene (sky above, red ground below, a sun at the top right) stored
    turned a quarter, with EXIF orientation 6, as a phone held sideways saves it; noise makes
    the JPEG weigh 4-6 MB, as phone photos do."""
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    sky = Image.linear_gradient("L").resize((width, height))
    scene = Image.merge(
        "RGB",
        (
            sky.point(lambda v: 60 + v // 3),
            sky.point(lambda v: 110 + v // 3),
            Image.new("L", (width, height), 200),
        ),
    )
    draw = ImageDraw.Draw(scene)
    draw.rectangle((0, int(height * 0.62), width, height), fill=(150, 40, 30))
    draw.ellipse((int(width * 0.7), int(height * 0.12), int(width * 0.82), int(height * 0.3)),
                 fill=(240, 190, 60))  # fmt: skip
    noise = Image.effect_noise((width, height), 40)
    scene = Image.blend(scene, Image.merge("RGB", (noise, noise, noise)), 0.22)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show"
    stored = scene.transpose(Image.Transpose.ROTATE_90)
    stored.save(path, "JPEG", quality=92, exif=exif.tobytes())


RALLY = """\
template: leaflet
campaign: campaign.yaml
size: {size}
orientation: {orientation}
per_sheet: {per_sheet}
headline: Free the jailed oil workers of Zhanaozen
subheading: Rally on the second anniversary of the massacre
image: photo.jpg
events:
  - title: Rally at the Foreign Office
    date: 2013-12-16
    time: "10:00"
    venue: Foreign and Commonwealth Office
    address: King Charles Street, off Whitehall, London SW1A 2AH
  - title: March to the Kazakh embassy
    date: 2013-12-16
    time: "12:00"
    venue: Embassy of the Republic of Kazakhstan
    address: 125 Pall Mall, London SW1Y 5EA
body: |
  Two years ago, on 16 December 2011, police opened fire on oil workers who had been on
  strike for seven months in Zhanaozen, western Kazakhstan. At least 16 people were killed
  and 60 wounded. Strikers and their supporters were then jailed for up to six years, after
  trials in which defendants spoke of torture in custody. We are asking the British
  government, which courts the Kazakh regime for oil and trade, to speak up for them.

  - Free the jailed oil workers and Roza Tuletaeva
  - An independent inquiry into the shootings
  - The right to strike and to organise in Kazakhstan
speakers:
  - name: Yulia Mazurova
    role: 'director of the film "Zhanaozen: the unknown tragedy"'
  - name: Kirill Buketov
    role: International Union of Food Workers
  - name: Steve Hedley
    role: RMT Offshore Energy Branch
link: {link}
organisers: Called by Justice for Kazakhstan Oil Workers with the RMT Offshore Energy Branch
{extra}"""

BACK = """\
back:
  heading: Why we demonstrate
  body: |
    The strike began in May 2011 over pay and the right to an independent union. The
    company sacked about two thousand strikers. On the day of the shootings the town square
    was surrounded; the official count of the dead has never been explained.
  events:
    - title: Film showing and discussion
      date: 2013-12-04
      time: "18:00"
      venue: Institute of Advanced Legal Studies
      address: 17 Russell Square, London WC1
  join: |
    **Join us.** Ask your branch to pass the model resolution and to sign the open letter:
    justice.kazakh.oil@example.org
"""


def rally(
    size: str = "A5", orientation: str = "portrait", per_sheet: int = 1, extra: str = ""
) -> str:
    """The realistic rally leaflet's YAML."""
    return RALLY.format(
        size=size, orientation=orientation, per_sheet=per_sheet, link=LINK, extra=extra
    )


def campaign_folder(folder: Path) -> Path:
    """A folder with the campaign file, its logo and the phone photo."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("campaign.yaml", "logo.png"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, folder / name)
    phone_photo(folder / "photo.jpg")
    return folder
