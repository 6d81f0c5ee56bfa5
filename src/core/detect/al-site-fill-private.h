/* al-site-fill-private.h: what the lattice prior's passes share
 * (al-site-fill.c: the honeycomb sites; al-site-hollow.c: the hexagon
 * centres, where 1T holds its second chalcogen). */
#pragma once

#include <glib.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

/* Predictions within this many neighbour distances are one site (sites
 * of one class are √3 neighbour distances apart; the predictions of one
 * site scatter by a pixel or two with strain and noise). */
#define AL_SITE_MERGE_FRACTION 0.5
/* A site is held when a column is within this many neighbour distances. */
#define AL_SITE_EMPTY_FRACTION 0.45

typedef struct
{
  double   sx;       /* sum of the predictions */
  double   sy;
  guint    support;  /* columns that predicted the site */
  gboolean bright;   /* the site's class (hollows: FALSE) */
  gint32   next;     /* next site in the same grid cell */
} AlSite;

/* Which sites the columns predict: their honeycomb neighbours, or, with
 * `hollow`, the centres of the hexagons around them. */
/* The sites columns place, gathered as columns are added (al-site-fill.c). */
typedef struct
{
  GArray  *sites;      /* AlSite */
  gint32  *grid;       /* first site of each cell, -1 for none */
  guint    gw;
  guint    gh;
  double   cell;
  guint    width;
  guint    height;
  double   split;
  gboolean hollow;
  double   dx[2][3];   /* the steps from a column, by whether bright == hollow */
  double   dy[2][3];
  guint    n_columns;  /* columns added so far */
} AlSitePredictor;

void    al_site_predictor_init  (AlSitePredictor   *pred,
                                 guint              width,
                                 guint              height,
                                 double             nn,
                                 double             split,
                                 double             family,
                                 gboolean           hollow);
void    al_site_predictor_add   (AlSitePredictor   *pred,
                                 const AlColumnFit *cols,
                                 guint              n);
void    al_site_predictor_clear (AlSitePredictor   *pred);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AlSitePredictor, al_site_predictor_clear)

GArray *al_site_predict  (const AlColumnFit *cols,
                          guint              n,
                          guint              width,
                          guint              height,
                          double             nn,
                          double             split,
                          double             family,
                          gboolean           hollow);

/* Least-squares amplitude of a Gaussian of sigma `s` fixed at (x, y) in
 * `resid` (pixel noise variance `var`), its standard error, and the
 * position error the same pixels would give. */
void    al_site_fit_at   (const float       *resid,
                          guint              width,
                          guint              height,
                          double             x,
                          double             y,
                          double             s,
                          double             var,
                          double            *amp,
                          double            *se_amp,
                          double            *se_pos);

void    al_site_subtract (float             *resid,
                          guint              width,
                          guint              height,
                          double             x,
                          double             y,
                          double             s,
                          double             amp);

/* The 1T regions (al-site-hollow.c): where the hexagon centres and the
 * dim sites read as holding one chalcogen each, columns are added on the
 * sites no column holds; the indices of the columns that hold one
 * chalcogen (added, or found on such a site) are appended to `single`
 * when not NULL. `var` is the pixel noise variance, `dim_amp` the dim
 * columns' amplitude. Returns how many columns it added. */
guint   al_site_fill_hollows (const float            *frame,
                              guint                   width,
                              guint                   height,
                              GArray                 *fits,
                              const float            *background,
                              double                  width_px,
                              double                  neighbour_px,
                              double                  var,
                              double                  split,
                              double                  family,
                              double                  dim_amp,
                              const GArray           *dim_sites,
                              guint                   n_threads,
                              GArray                 *single);

G_END_DECLS
