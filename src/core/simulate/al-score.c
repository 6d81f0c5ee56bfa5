/* al-score.c: the scorer behind `atomlens-cli score`. */
#include "al-score.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/al-io.h"
#include "simulate/al-match.h"

/* DESIGN.md §8: atoms match within a quarter of the nearest-neighbour
 * distance. Defects match within one nearest-neighbour distance (point
 * types) or AL_SCORE_EXTENDED_RADIUS_NM (line and planar types, whose
 * centre is the middle of many atoms). */
#define AL_SCORE_MATCH_FRACTION 0.25
#define AL_SCORE_EXTENDED_RADIUS_NM 2.0
#define AL_PM_PER_NM 1000.0
/* Largest table we read, bytes. */
#define AL_SCORE_MAX_TABLE ((gsize) 1 << 31)

static double
ratio (double a,
       double b)
{
  return b > 0 ? a / b : 0.0;
}

AlScore *
al_score_atoms (GPtrArray          *truth,
                GPtrArray          *found,
                const AlMaterial   *material,
                const AlImageModel *model,
                double              pixel_size_nm)
{
  AlScore *s = g_new0 (AlScore, 1);
  double sum2 = 0, sumx2 = 0, sumy2 = 0, crlb2 = 0;
  double sp_sum2[AL_MAX_SPECIES] = { 0 }, sp_crlb2[AL_MAX_SPECIES] = { 0 };
  guint correct = 0, n_crlb = 0;
  guint n_species = material->n_species;

  s->material = material;
  s->n_frames = MAX (truth->len, found->len);
  s->pixel_size_nm = model ? model->pixel_size_nm : pixel_size_nm;
  s->has_crlb = model != NULL && model->haadf;
  s->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  /* Without a pixel size the radius falls back to a typical 0.02 nm/px. */
  s->match_radius_px = AL_SCORE_MATCH_FRACTION * al_material_neighbour_nm (material)
                       / (s->pixel_size_nm > 0 ? s->pixel_size_nm : 0.02);

  for (guint f = 0; f < s->n_frames; f++)
    {
      AlAtoms *t = f < truth->len ? truth->pdata[f] : NULL;
      AlAtoms *d = f < found->len ? found->pdata[f] : NULL;
      guint nt = t ? t->n_atoms : 0, nd = d ? d->n_atoms : 0;
      GArray *match = g_array_sized_new (FALSE, FALSE, sizeof (int), nt);
      g_autofree int *match_d = g_new (int, MAX (nd, 1));
      g_autofree double *cx = NULL, *cy = NULL;

      g_array_set_size (match, nt);
      s->n_truth += nt;
      s->n_found += nd;
      s->n_matched += al_match_points (t ? t->x : NULL, t ? t->y : NULL, nt, d ? d->x : NULL,
                                       d ? d->y : NULL, nd, s->match_radius_px,
                                       (int *) match->data, match_d);
      if (s->has_crlb && nt > 0)
        {
          cx = g_new (double, nt);
          cy = g_new (double, nt);
          al_crlb_columns (model, t, cx, cy);
        }
      for (guint i = 0; i < nt; i++)
        {
          int j = g_array_index (match, int, i);
          int ts = t->species[i];
          gboolean valid = ts >= 0 && (guint) ts < n_species;

          if (valid)
            s->species_truth[ts]++;
          if (j < 0)
            continue;
          {
            double dx = d->x[j] - t->x[i], dy = d->y[j] - t->y[i], r2 = dx * dx + dy * dy;
            int fs = d->species[j];
            sumx2 += dx * dx;
            sumy2 += dy * dy;
            sum2 += r2;
            if (cx && isfinite (cx[i]) && isfinite (cy[i]))
              {
                crlb2 += cx[i] * cx[i] + cy[i] * cy[i];
                n_crlb++;
                if (valid)
                  sp_crlb2[ts] += cx[i] * cx[i] + cy[i] * cy[i];
              }
            if (!valid)
              continue;
            s->species_matched[ts]++;
            sp_sum2[ts] += r2;
            if (fs < 0 || (guint) fs >= n_species)
              fs = (int) n_species;
            s->confusion[ts][fs]++;
            correct += fs == ts;
          }
        }
      g_ptr_array_add (s->matches, match);
    }
  s->precision = ratio (s->n_matched, s->n_found);
  s->recall = ratio (s->n_matched, s->n_truth);
  s->f1 = ratio (2.0 * s->n_matched, s->n_found + s->n_truth);
  s->rmse_px = sqrt (ratio (sum2, s->n_matched));
  s->rmse_x_px = sqrt (ratio (sumx2, s->n_matched));
  s->rmse_y_px = sqrt (ratio (sumy2, s->n_matched));
  s->species_accuracy = ratio (correct, s->n_matched);
  for (guint k = 0; k < n_species; k++)
    {
      s->species_rmse_px[k] = sqrt (ratio (sp_sum2[k], s->species_matched[k]));
      s->species_crlb_px[k] = sqrt (ratio (sp_crlb2[k], s->species_matched[k]));
    }
  if (s->has_crlb)
    {
      s->crlb_px = sqrt (ratio (crlb2, n_crlb));
      s->rmse_over_crlb = ratio (s->rmse_px, s->crlb_px);
    }
  return s;
}

void
al_score_defects (AlScore      *score,
                  const GArray *truth,
                  const GArray *found)
{
  double pix = score->pixel_size_nm > 0 ? score->pixel_size_nm : 0.02;

  score->has_defects = TRUE;
  for (guint t = 1; t < AL_N_DEFECT_TYPES; t++)
    for (guint f = 0; f < score->n_frames; f++)
      {
        g_autoptr (GArray) tx = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr (GArray) ty = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr (GArray) fx = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr (GArray) fy = g_array_new (FALSE, FALSE, sizeof (double));
        g_autofree int *ma = NULL, *mb = NULL;
        double radius = (al_defect_type_is_point (t) ? al_material_neighbour_nm (score->material)
                                                     : AL_SCORE_EXTENDED_RADIUS_NM) / pix;

        for (guint q = 0; q < truth->len; q++)
          {
            const AlScoreDefect *d = &g_array_index (truth, AlScoreDefect, q);
            if (d->type == (AlDefectType) t && d->frame == f)
              {
                g_array_append_val (tx, d->x_px);
                g_array_append_val (ty, d->y_px);
              }
          }
        for (guint q = 0; q < found->len; q++)
          {
            const AlScoreDefect *d = &g_array_index (found, AlScoreDefect, q);
            if (d->type == (AlDefectType) t && d->frame == f)
              {
                g_array_append_val (fx, d->x_px);
                g_array_append_val (fy, d->y_px);
              }
          }
        ma = g_new (int, MAX (tx->len, 1));
        mb = g_new (int, MAX (fx->len, 1));
        score->defect_truth[t] += tx->len;
        score->defect_found[t] += fx->len;
        score->defect_matched[t] += al_match_points ((double *) tx->data, (double *) ty->data, tx->len,
                                                     (double *) fx->data, (double *) fy->data, fx->len,
                                                     radius, ma, mb);
      }
}

void
al_score_strain (AlScore    *score,
                 GPtrArray  *truth_atoms,
                 GPtrArray  *found_atoms,
                 GHashTable *truth_strain,
                 GHashTable *found_strain)
{
  double sum[4] = { 0 };
  guint t_base = 0, f_base = 0, n = 0;

  score->has_strain = TRUE;
  for (guint f = 0; f < score->matches->len; f++)
    {
      GArray *match = score->matches->pdata[f];
      for (guint i = 0; i < match->len; i++)
        {
          int j = g_array_index (match, int, i);
          const AlScoreStrain *a, *b;
          if (j < 0)
            continue;
          a = g_hash_table_lookup (truth_strain, GUINT_TO_POINTER (t_base + i + 1));
          b = g_hash_table_lookup (found_strain, GUINT_TO_POINTER (f_base + (guint) j + 1));
          if (a == NULL || b == NULL)
            continue;
          sum[0] += (a->exx - b->exx) * (a->exx - b->exx);
          sum[1] += (a->eyy - b->eyy) * (a->eyy - b->eyy);
          sum[2] += (a->exy - b->exy) * (a->exy - b->exy);
          sum[3] += (a->rotation - b->rotation) * (a->rotation - b->rotation);
          n++;
        }
      t_base += f < truth_atoms->len ? ((AlAtoms *) truth_atoms->pdata[f])->n_atoms : 0;
      f_base += f < found_atoms->len ? ((AlAtoms *) found_atoms->pdata[f])->n_atoms : 0;
    }
  score->n_strain = n;
  for (int k = 0; k < 4; k++)
    score->strain_rmse[k] = sqrt (ratio (sum[k], n));
}

void
al_score_free (AlScore *score)
{
  if (score == NULL)
    return;
  if (score->matches)
    g_ptr_array_unref (score->matches);
  g_free (score);
}

/* Reads a CSV table with a header into rows of cells; `wanted` names the
 * columns the caller needs (index into `col`). */
static char **
read_table (const char         *path,
            const char *const  *wanted,
            int                 n_wanted,
            int                *col,
            GError            **error)
{
  g_autofree char *text = NULL;
  gsize length;
  GError *local = NULL;
  char **lines;
  g_auto (GStrv) header = NULL;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  if (length > AL_SCORE_MAX_TABLE)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE, "“%s” is too large", path);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL)
    {
      g_strfreev (lines);
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "“%s” is empty", path);
      return NULL;
    }
  header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  for (int c = 0; c < n_wanted; c++)
    {
      col[c] = -1;
      for (int h = 0; header[h] != NULL; h++)
        if (strcmp (g_strstrip (header[h]), wanted[c]) == 0)
          col[c] = h;
      if (col[c] < 0)
        {
          g_strfreev (lines);
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "“%s” has no column “%s”", path,
                       wanted[c]);
          return NULL;
        }
    }
  return lines;
}

static gboolean
cell_double (char      **cells,
             int         col,
             double     *out)
{
  char *end;

  if (col >= (int) g_strv_length (cells))
    return FALSE;
  errno = 0;
  *out = g_ascii_strtod (cells[col], &end);
  return end != cells[col] && *g_strstrip (end) == '\0' && errno == 0 && isfinite (*out);
}

GArray *
al_score_read_defects (const char *path,
                       GError    **error)
{
  static const char *const wanted[] = { "frame", "type", "x_px", "y_px" };
  int col[4];
  g_auto (GStrv) lines = read_table (path, wanted, 4, col, error);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (AlScoreDefect));

  if (lines == NULL)
    return NULL;
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto (GStrv) cells = NULL;
      AlScoreDefect d;
      double frame;

      if (*g_strstrip (lines[l]) == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      if (!cell_double (cells, col[0], &frame) || frame < 0 || frame > 1e6
          || !cell_double (cells, col[2], &d.x_px) || !cell_double (cells, col[3], &d.y_px)
          || col[1] >= (int) g_strv_length (cells))
        {
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "Line %u of “%s” is not a defect row",
                       l + 1, path);
          return NULL;
        }
      d.frame = (guint) frame;
      d.type = al_defect_type_from_name (g_strstrip (cells[col[1]]));
      g_array_append_val (out, d);
    }
  return g_steal_pointer (&out);
}

GHashTable *
al_score_read_strain (const char *path,
                      GError    **error)
{
  static const char *const wanted[] = { "id", "exx", "eyy", "exy", "rotation" };
  int col[5];
  g_auto (GStrv) lines = read_table (path, wanted, 5, col, error);
  g_autoptr (GHashTable) out = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  if (lines == NULL)
    return NULL;
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto (GStrv) cells = NULL;
      AlScoreStrain v;
      double id;

      if (*g_strstrip (lines[l]) == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      /* strain.csv leaves the fields of an atom without a strain empty. */
      if (col[1] < (int) g_strv_length (cells) && *g_strstrip (cells[col[1]]) == '\0')
        continue;
      if (!cell_double (cells, col[0], &id) || id < 0 || id >= G_MAXUINT32 - 1
          || !cell_double (cells, col[1], &v.exx) || !cell_double (cells, col[2], &v.eyy)
          || !cell_double (cells, col[3], &v.exy) || !cell_double (cells, col[4], &v.rotation))
        {
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "Line %u of “%s” is not a strain row",
                       l + 1, path);
          return NULL;
        }
      g_hash_table_insert (out, GUINT_TO_POINTER ((guint) id + 1), g_memdup2 (&v, sizeof v));
    }
  return g_steal_pointer (&out);
}

static double
to_pm (const AlScore *s,
       double         px)
{
  return px * s->pixel_size_nm * AL_PM_PER_NM;
}

char *
al_score_format_text (const AlScore *s)
{
  GString *out = g_string_new (NULL);
  const AlMaterial *m = s->material;
  gboolean pm = s->pixel_size_nm > 0;
  const char *unit = pm ? "pm" : "px";
  double k = pm ? s->pixel_size_nm * AL_PM_PER_NM : 1.0;

  g_string_append_printf (out, "atoms       truth %u  found %u  matched %u  (radius %.2f px)\n",
                          s->n_truth, s->n_found, s->n_matched, s->match_radius_px);
  g_string_append_printf (out, "detection   precision %.4f  recall %.4f  F1 %.4f\n", s->precision,
                          s->recall, s->f1);
  g_string_append_printf (out, "position    RMSE %.2f %s  (x %.2f, y %.2f)", s->rmse_px * k, unit,
                          s->rmse_x_px * k, s->rmse_y_px * k);
  if (s->has_crlb)
    g_string_append_printf (out, "  CRLB %.2f %s  RMSE/CRLB %.2f", s->crlb_px * k, unit, s->rmse_over_crlb);
  g_string_append_printf (out, "\nspecies     accuracy %.4f\n\n", s->species_accuracy);

  g_string_append_printf (out, "%-8s %8s %8s %9s %9s", "species", "truth", "recall", "RMSE", "CRLB");
  for (guint f = 0; f <= m->n_species; f++)
    g_string_append_printf (out, " %7s", f < m->n_species ? m->species[f].name : "unknown");
  g_string_append_printf (out, "   (%s; confusion: rows truth, columns found)\n", unit);
  for (guint t = 0; t < m->n_species; t++)
    {
      g_string_append_printf (out, "%-8s %8u %8.4f %9.2f %9.2f", m->species[t].name, s->species_truth[t],
                              ratio (s->species_matched[t], s->species_truth[t]),
                              s->species_rmse_px[t] * k, s->species_crlb_px[t] * k);
      for (guint f = 0; f <= m->n_species; f++)
        g_string_append_printf (out, " %7u", s->confusion[t][f]);
      g_string_append_c (out, '\n');
    }
  if (s->has_defects)
    {
      g_string_append_printf (out, "\n%-16s %7s %7s %7s %9s %7s\n", "defect", "truth", "found", "matched",
                              "precision", "recall");
      for (guint t = 1; t < AL_N_DEFECT_TYPES; t++)
        if (s->defect_truth[t] || s->defect_found[t])
          g_string_append_printf (out, "%-16s %7u %7u %7u %9.4f %7.4f\n", al_defect_type_name (t),
                                  s->defect_truth[t], s->defect_found[t], s->defect_matched[t],
                                  ratio (s->defect_matched[t], s->defect_found[t]),
                                  ratio (s->defect_matched[t], s->defect_truth[t]));
    }
  if (s->has_strain)
    g_string_append_printf (out, "\nstrain      RMSE over %u atoms: exx %.5f  eyy %.5f  exy %.5f  rotation %.4f°\n",
                            s->n_strain, s->strain_rmse[0], s->strain_rmse[1], s->strain_rmse[2],
                            s->strain_rmse[3]);
  return g_string_free (out, FALSE);
}

char *
al_score_to_json (const AlScore *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const AlMaterial *m = s->material;

#define NUM(name, value) json_builder_set_member_name (b, name); json_builder_add_double_value (b, value)
#define INT(name, value) json_builder_set_member_name (b, name); json_builder_add_int_value (b, value)
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, m->name);
  INT ("frames", s->n_frames);
  NUM ("pixel_size_nm", s->pixel_size_nm);
  NUM ("match_radius_px", s->match_radius_px);
  INT ("truth", s->n_truth);
  INT ("found", s->n_found);
  INT ("matched", s->n_matched);
  NUM ("precision", s->precision);
  NUM ("recall", s->recall);
  NUM ("f1", s->f1);
  NUM ("rmse_px", s->rmse_px);
  if (s->pixel_size_nm > 0)
    {
      NUM ("rmse_pm", to_pm (s, s->rmse_px));
      NUM ("rmse_x_pm", to_pm (s, s->rmse_x_px));
      NUM ("rmse_y_pm", to_pm (s, s->rmse_y_px));
    }
  if (s->has_crlb)
    {
      NUM ("crlb_px", s->crlb_px);
      NUM ("crlb_pm", to_pm (s, s->crlb_px));
      NUM ("rmse_over_crlb", s->rmse_over_crlb);
    }
  NUM ("species_accuracy", s->species_accuracy);
  json_builder_set_member_name (b, "species");
  json_builder_begin_object (b);
  for (guint t = 0; t < m->n_species; t++)
    {
      json_builder_set_member_name (b, m->species[t].name);
      json_builder_begin_object (b);
      INT ("truth", s->species_truth[t]);
      INT ("matched", s->species_matched[t]);
      NUM ("rmse_px", s->species_rmse_px[t]);
      if (s->has_crlb)
        {
          NUM ("crlb_px", s->species_crlb_px[t]);
        }
      json_builder_set_member_name (b, "found_as");
      json_builder_begin_object (b);
      for (guint f = 0; f <= m->n_species; f++)
        {
          INT (f < m->n_species ? m->species[f].name : "unknown", s->confusion[t][f]);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  if (s->has_defects)
    {
      json_builder_set_member_name (b, "defects");
      json_builder_begin_object (b);
      for (guint t = 1; t < AL_N_DEFECT_TYPES; t++)
        if (s->defect_truth[t] || s->defect_found[t])
          {
            json_builder_set_member_name (b, al_defect_type_name (t));
            json_builder_begin_object (b);
            INT ("truth", s->defect_truth[t]);
            INT ("found", s->defect_found[t]);
            INT ("matched", s->defect_matched[t]);
            NUM ("precision", ratio (s->defect_matched[t], s->defect_found[t]));
            NUM ("recall", ratio (s->defect_matched[t], s->defect_truth[t]));
            json_builder_end_object (b);
          }
      json_builder_end_object (b);
    }
  if (s->has_strain)
    {
      json_builder_set_member_name (b, "strain");
      json_builder_begin_object (b);
      INT ("atoms", s->n_strain);
      NUM ("exx_rmse", s->strain_rmse[0]);
      NUM ("eyy_rmse", s->strain_rmse[1]);
      NUM ("exy_rmse", s->strain_rmse[2]);
      NUM ("rotation_rmse_deg", s->strain_rmse[3]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
#undef NUM
#undef INT
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
