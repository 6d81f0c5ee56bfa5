/* al-canvas-view.h: what the canvas shows right now, handed to overlay
 * layers so they draw only what is visible and scale their marks.
 *
 * Image coordinates put pixel centres at integers (as AlAtoms does): pixel
 * (i, j) covers [i - 0.5, i + 0.5] x [j - 0.5, j + 0.5]. A widget point
 * (wx, wy) shows image point (wx / zoom + offset_x, wy / zoom + offset_y).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double zoom;             /* screen pixels per image pixel */
  double offset_x;         /* image coordinates of the widget's top-left corner */
  double offset_y;
  int    widget_width;
  int    widget_height;
  guint  image_width;
  guint  image_height;
  guint  frame;
  double pixel_size;       /* nm per pixel; 0 when uncalibrated */
  int    scale_factor;     /* device pixels per widget pixel (HiDPI) */
  gboolean gpu;            /* the renderer keeps textures on a GPU: paste
                            * tiles as textures, not through Cairo */
  /* The visible part of the image, in image coordinates. */
  double visible_x0;
  double visible_y0;
  double visible_x1;
  double visible_y1;
} AlCanvasView;

static inline void
al_canvas_view_to_widget (const AlCanvasView *view,
                          double              x,
                          double              y,
                          double             *wx,
                          double             *wy)
{
  *wx = (x - view->offset_x) * view->zoom;
  *wy = (y - view->offset_y) * view->zoom;
}

/* TRUE when image point (x, y) is within `margin` image pixels of the view. */
static inline gboolean
al_canvas_view_contains (const AlCanvasView *view,
                         double              x,
                         double              y,
                         double              margin)
{
  return x >= view->visible_x0 - margin && x <= view->visible_x1 + margin
         && y >= view->visible_y0 - margin && y <= view->visible_y1 + margin;
}

G_END_DECLS
