"""The layout engine: content, assets and a palette in, a layered document out; the document
rendered to SVG (the editable form) and to JPEG/PNG (the images served). Pure: no database, no
storage; the generation domain feeds it and stores what it makes."""
