/* al-site-model.h: what each content of a TMD lattice site would show,
 * learnt from the frame's sites (private to defects/al-site-classify.c).
 *
 * A site's amplitude reads offset + scale·Σ Zⁿ of its content, against
 * the local references of its own and the other sublattice; its noise is
 * Poisson-like (v₀ + g·mean). The offsets, the share of each content and
 * the breathing of each content's neighbours are learnt by expectation–
 * maximisation over all sites; a site then takes the content of largest
 * posterior.
 */
#pragma once

#include <glib.h>

#include "al-material.h"

G_BEGIN_DECLS

/* A median needs at least this many values to serve as a reference. */
#define AL_SITE_MIN_REFERENCES 5

typedef struct
{
  double x, y;
  double angle;     /* a bond direction, rad */
  double amp;       /* NAN: not measurable (frame border) */
  double ref_same;  /* median amplitude of the same sublattice around it */
  double ref_other;
  double breath;    /* mean distance of its three neighbours from their
                     * centroid, less the median of the same sublattice
                     * around it (px); NAN: not three neighbours */
  gint32 atom;      /* -1: an empty lattice site */
  gint32 empty;     /* index into the empty sites, or -1 */
  gint8  sub;
} AlSite;

typedef struct
{
  double       mean;
  double       content;  /* Σ Zⁿ relative to the host of the reference used */
  int          species;  /* -1: empty */
  AlDefectType type;
} AlSiteHypothesis;

/* Amplitudes read as offset + scale·Σ Zⁿ per sublattice: the offset is
 * what an empty site of that sublattice reads. With the neighbouring
 * columns fitted it is near zero, but what the fit leaves of the probe
 * tails and of the neighbours' relaxation around a vacancy is learnt from
 * the image rather than assumed. */
typedef struct
{
  const AlMaterial *m;
  double            exponent;
  double            v0, g;      /* amplitude variance v0 + g·mean */
  double            mu[2];      /* median host amplitude: [0] chalcogen, [1] metal */
  double            offset[2];  /* empty-site amplitude, same order */
  /* Share of each content among the sites of a sublattice (the order of
   * hypotheses()), learnt from the image: the prior of the decision. */
  double            weight[2][AL_MAX_SPECIES + 1];
  /* How far the neighbours of each content move in (negative) or out,
   * learnt from the image, and the spread of that measure (px²). */
  double            breath[2][AL_MAX_SPECIES + 1];
  /* Where detection found no column at a site it fitted the neighbours as
   * if the site were empty, so whatever the site holds pulled them
   * inwards, as a vacancy's relaxation would: the triangle shrinks by
   * this much per unit of the content's amplitude (px; learnt from the
   * image). */
  double            breath_pull[2];
  /* The breathing also follows the site's own amplitude: neighbours found
   * a little inwards overlap the site and take some of its intensity
   * (px per unit of amplitude above the content's mean, learnt from the
   * host sites; the two measures would otherwise count it twice). */
  double            breath_slope[2];
  double            breath_var[2];
} AlSiteModel;

gboolean                al_site_usable        (const AlSite           *site);
gboolean                al_site_is_metal      (const AlSite           *site);
gboolean                al_site_model_fit     (const GArray           *sites,
                                               const AlMaterial       *material,
                                               AlSiteModel            *model);
guint                   al_site_hypotheses    (const AlSiteModel      *model,
                                               const AlSite           *site,
                                               AlSiteHypothesis       *h);
void                    al_site_posterior     (const AlSiteModel      *model,
                                               const AlSiteHypothesis *h,
                                               guint                   n,
                                               const AlSite           *site,
                                               double                 *post);
const AlSiteHypothesis *al_site_by_species    (const AlSiteHypothesis *h,
                                               guint                   n,
                                               int                     species);

G_END_DECLS
