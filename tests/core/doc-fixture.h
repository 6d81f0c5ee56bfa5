/* doc-fixture.h: what the AlDocument tests share: a 2-frame 64 × 48
 * document with 40 seeded atoms on frame 0, signal counters, and helpers
 * to build and compare atoms and an edit history. */
#pragma once

#include "al-document.h"

#define W 64
#define H 48
#define N_ATOMS 40

typedef struct
{
  char       *dir;
  char       *image_path;
  AlDocument *doc;
  guint       n_frame_changed;
  guint       last_frame;
  guint       n_changed;
  guint       n_modified_notify;
} Fixture;

void     doc_set_up             (Fixture       *fx,
                                 gconstpointer  data);
void     doc_tear_down          (Fixture       *fx,
                                 gconstpointer  data);
/* A 2-frame image with seeded noise, "read" from `path`. */
AlImage *doc_make_image         (const char    *path,
                                 guint32        seed);
/* N_ATOMS seeded atoms with every column set; atoms 10-12 form defect 3
 * (V_S), atoms 20-21 defect 5 (W_Mo). */
AlAtoms *doc_make_atoms         (guint32        seed);
void     doc_assert_atoms_equal (const AlAtoms *a,
                                 const AlAtoms *b);
/* Edits, some undone, so that both lists travel through a file. */
void     doc_make_history       (AlDocument    *doc);
