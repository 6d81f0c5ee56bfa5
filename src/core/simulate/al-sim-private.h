/* al-sim-private.h: what the files of the simulator share: the scene (the
 * persistent description of a sample: grains, holes, patches, defects) and
 * the columns of one frame built from it.
 */
#pragma once

#include "al-sim-render.h"
#include "al-sim-rng.h"
#include "al-simulate.h"

G_BEGIN_DECLS

#define AL_SIM_MAX_GRAINS 8
#define AL_SIM_MAX_Z 3
#define AL_SIM_SQRT3 1.7320508075688772935

/* A projected column of one frame. Positions in nm in the image frame
 * (x to the right, y down, pixel centre (0,0) at the origin). */
typedef struct
{
  double  x, y;
  gint16  species;       /* material species; -1: rendered, not in the truth */
  guint8  n_z;
  guint8  z[AL_SIM_MAX_Z];
  gint8   grain;         /* -1 for atoms outside any lattice */
  guint8  sub;           /* 0: A (metal), 1: B (chalcogen), 2: hollow (1T) */
  guint8  removed;
  gint32  i, j;
  gint16  defect_type;
  gint32  defect_id;
  float   exx, eyy, exy, rot, ux, uy;
} AlSimColumn;

typedef struct
{
  double rotation;       /* rad */
  double ox, oy;         /* origin, nm */
  /* The grain holds points with nx*x + ny*y >= c (grain 0: everything
   * no later grain claims). */
  double nx, ny, c;
} AlSimGrain;

typedef struct
{
  AlDefectType type;     /* point type */
  guint        id;
  gint8        grain;
  guint8       sub;
  guint8       dir;      /* neighbour direction for pair defects */
  gint32       i, j;
  gboolean     gone;     /* left the field of view */
} AlSimPointDefect;

typedef struct
{
  AlDefectType type;     /* edge (a hole or a straight edge), phase, amorphous */
  guint        id;
  double       cx, cy;   /* centre, nm */
  double       radius;   /* nm (holes, patches, blobs) */
  double       nx, ny, c;/* straight edge: vacuum where nx*x + ny*y > c */
  gboolean     straight;
  guint64      seed;     /* amorphous atoms */
} AlSimRegion;

typedef struct
{
  const AlSimParams *params;
  const AlMaterial  *material;
  double  x0, y0, x1, y1;       /* area built, nm (image plus margin) */
  double  nn;                   /* nearest-neighbour distance, nm */
  guint   n_grains;
  AlSimGrain grains[AL_SIM_MAX_GRAINS];
  guint   gb_ids[AL_SIM_MAX_GRAINS];
  GArray *regions;              /* AlSimRegion */
  GArray *points;               /* AlSimPointDefect */
  guint   next_id;
  double  drift_x, drift_y;     /* offset of the current frame, nm */
  double  dislocations[8][3];   /* x, y, burgers angle */
} AlSimScene;

double   al_sim_build_margin_nm  (const AlSimParams *params);

/* Uniform grid over columns for neighbour queries. */
typedef struct
{
  double  x0, y0, cell;
  guint   nx, ny;
  guint  *start;                /* nx*ny+1 */
  guint  *index;
} AlSimGrid;

AlSimGrid *al_sim_grid_new     (const GArray  *columns,
                                double         cell);
void       al_sim_grid_free    (AlSimGrid     *grid);
/* Indices of non-removed columns within `radius` of (x, y) into `out`. */
void       al_sim_grid_query   (const AlSimGrid *grid,
                                const GArray  *columns,
                                double         x,
                                double         y,
                                double         radius,
                                GArray        *out);

/* al-sim-lattice.c */
void     al_sim_lattice_site     (const AlSimScene *scene,
                                  guint             grain,
                                  gint32            i,
                                  gint32            j,
                                  guint             sub,
                                  double           *x,
                                  double           *y);
void     al_sim_lattice_build    (const AlSimScene *scene,
                                  GArray           *columns);
void     al_sim_column_set_species (AlSimColumn      *column,
                                    const AlMaterial *material,
                                    int               species);
/* Finds the column at a lattice site. */
typedef struct _AlSimSites AlSimSites;
AlSimSites *al_sim_sites_new     (const GArray     *columns);
void        al_sim_sites_free    (AlSimSites       *sites);
/* Index of the column at a lattice site, or -1. */
int         al_sim_sites_find    (const AlSimSites *sites,
                                  gint8             grain,
                                  gint32            i,
                                  gint32            j,
                                  guint8            sub);
/* Lattice indices of the neighbour in direction 0..2 of a site. */
void     al_sim_lattice_neighbour (gint32            i,
                                   gint32            j,
                                   guint8            sub,
                                   guint             dir,
                                   gint32           *ni,
                                   gint32           *nj);

/* A defect present in one frame: its centre is the mean of its centre
 * columns (which may be removed ones: a vacancy keeps its site) or, when
 * it has none, of its member atoms. */
typedef struct
{
  guint        id;
  AlDefectType type;
  int          centre[2];        /* column indices, -1 for none */
} AlSimInstance;

/* al-sim-point.c */
void     al_sim_point_place      (AlSimScene       *scene,
                                  const GArray     *columns,
                                  AlSimRng         *rng);
void     al_sim_point_apply      (const AlSimScene *scene,
                                  GArray           *columns,
                                  GArray           *instances);
void     al_sim_point_evolve     (AlSimScene       *scene,
                                  const GArray     *columns,
                                  AlSimRng         *rng);

/* al-sim-planar.c */
void     al_sim_planar_setup     (AlSimScene       *scene,
                                  AlSimRng         *rng);
void     al_sim_planar_apply     (const AlSimScene *scene,
                                  GArray           *columns,
                                  GArray           *instances);
void     al_sim_planar_evolve    (AlSimScene       *scene);
gboolean al_sim_in_vacuum        (const AlSimScene *scene,
                                  double            x,
                                  double            y);

/* al-sim-amorphous.c: removes the lattice inside the round region and
 * fills it with randomly placed atoms of the material. */
void     al_sim_amorphous_apply  (const AlSimScene  *scene,
                                  const AlSimRegion *reg,
                                  GArray            *columns);

/* al-sim-strain.c */
void     al_sim_strain_setup     (AlSimScene       *scene,
                                  AlSimRng         *rng);
void     al_sim_strain_apply     (const AlSimScene *scene,
                                  GArray           *columns);

/* Whether a point defect of this type can sit on a column (its species
 * and sublattice are those of the perfect host). */
gboolean al_sim_point_eligible   (const AlMaterial  *material,
                                  AlDefectType       type,
                                  const AlSimColumn *column);

/* al-sim-haadf.c / al-sim-hrtem.c: expected image (before noise) of one frame. */
void     al_sim_haadf_render     (const AlSimParams *params,
                                  const GArray      *columns,
                                  const double      *row_shift,
                                  float             *out);
void     al_sim_hrtem_render     (const AlSimParams *params,
                                  const GArray      *columns,
                                  float             *out);
/* out = in convolved with a Gaussian of `sigma` pixels (zero outside). */
void     al_sim_gaussian_blur    (const float       *in,
                                  float             *out,
                                  int                w,
                                  int                h,
                                  double             sigma);
/* Adds shot and detector noise in place. */
void     al_sim_noise_apply      (const AlSimParams *params,
                                  float             *pixels,
                                  gsize              n,
                                  AlSimRng          *rng);
/* Σ Zⁿ cross-section of a column, Å². */
double   al_sim_column_cross_section (const AlSimParams *params,
                                      const AlSimColumn *column);

G_END_DECLS
