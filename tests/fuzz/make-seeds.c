/* make-seeds.c: writes the fuzz corpus seeds (small valid files of each
 * layout) into tests/fuzz/corpus/<target>/. Run by hand when the writers
 * change: build-dir/tests/fuzz/make-seeds tests/fuzz/corpus */
#include <glib/gstdio.h>
#include <string.h>

#include "../core/io/dm-writer.h"
#include "../core/io/emd-writer.h"
#include "../core/io/ser-writer.h"

static void
save (const char *dir,
      const char *target,
      const char *name,
      GBytes     *bytes)
{
  g_autofree char *folder = g_build_filename (dir, target, NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_mkdir_with_parents (folder, 0755);
  if (!g_file_set_contents (path, data, size, NULL))
    g_error ("cannot write %s", path);
  g_bytes_unref (bytes);
}

static void
dm_seeds (const char *dir)
{
  guint16 u16[4 * 3];
  float f32[3 * 2 * 2];
  guint8 rgb[2 * 2 * 4];
  DmImageSpec image = { 4, 3, 0, 10, 2, 4, u16, 0.1, 0.1, 0, "nm", "nm", NULL, 300000, TRUE };
  DmImageSpec stack = { 3, 2, 2, 2, 4, 6, f32, 2, 3, 1, "pm", "nm", "s", 0, FALSE };
  DmImageSpec colour = { 2, 2, 0, 23, 4, 5, rgb, 1, 1, 0, NULL, NULL, NULL, 0, FALSE };
  guint8 bits[2 * 2 * 3];
  float f32x3[2 * 2 * 3];
  DmImageSpec stack3 = { 2, 2, 3, 2, 4, 6, f32x3, 1, 1, 1, "nm", "nm", "s", 0, TRUE };
  DmImageSpec binary = { 2, 2, 3, 14, 1, 10, bits, 1, 1, 1, "nm", "nm", "s", 0, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (u16); i++)
    u16[i] = (guint16) (i * 100);
  for (guint i = 0; i < G_N_ELEMENTS (f32); i++)
    f32[i] = i * 0.5f;
  memset (rgb, 50, sizeof rgb);
  for (guint i = 0; i < G_N_ELEMENTS (f32x3); i++)
    f32x3[i] = i * 0.25f;
  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    bits[i] = (guint8) (i % 2);
  save (dir, "fuzz-dm", "image-le.dm3", dm_writer_build (3, TRUE, &image));
  save (dir, "fuzz-dm", "image-le.dm4", dm_writer_build (4, TRUE, &image));
  save (dir, "fuzz-dm", "stack.dm4", dm_writer_build (4, TRUE, &stack));
  save (dir, "fuzz-dm", "rgb.dm3", dm_writer_build (3, TRUE, &colour));
  /* Frame sources: stacks read frame by frame at offsets into "Data". */
  save (dir, "fuzz-dm", "stack-be.dm3", dm_writer_build (3, FALSE, &stack));
  save (dir, "fuzz-dm", "stack-3-frames.dm4", dm_writer_build (4, TRUE, &stack3));
  save (dir, "fuzz-dm", "binary-stack.dm4", dm_writer_build (4, TRUE, &binary));
}

static void
ser_seeds (const char *dir)
{
  static const char emi[] =
    "<ObjectInfo><ExperimentalConditions><MicroscopeConditions><AcceleratingVoltage>200000"
    "</AcceleratingVoltage></MicroscopeConditions></ExperimentalConditions>"
    "<ExperimentalDescription><Root><Data><Label>High tension</Label><Value>200</Value>"
    "<Unit>kV</Unit></Data></Root></ExperimentalDescription><AcquireDate>Mon Feb 22 2016"
    "</AcquireDate><AcquireInfo><DwellTimePath>0.0001</DwellTimePath></AcquireInfo></ObjectInfo>";

  save (dir, "fuzz-ser", "old-2-frames.ser", ser_writer_build (FALSE, 4, 3, 2, 1e-10, FALSE));
  save (dir, "fuzz-ser", "new-1-frame.ser", ser_writer_build (TRUE, 4, 3, 1, 1e-10, FALSE));
  save (dir, "fuzz-ser", "new-3-frames.ser", ser_writer_build (TRUE, 3, 2, 3, 1e-10, FALSE));
  save (dir, "fuzz-ser", "spectra.ser", ser_writer_build (TRUE, 16, 1, 2, 0.1, TRUE));
  save (dir, "fuzz-ser", "metadata.emi", g_bytes_new (emi, sizeof emi - 1));
}

static void
emd_seed (const char *dir,
          const char *name,
          gboolean    velox,
          guint       n_frames)
{
  g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "atomlens-seed.emd", NULL);
  char *contents;
  gsize size;

  if (velox)
    emd_writer_velox (tmp, 3, 2, n_frames);
  else
    emd_writer_berkeley (tmp, 3, 2, n_frames);
  if (!g_file_get_contents (tmp, &contents, &size, NULL))
    g_error ("cannot read %s", tmp);
  save (dir, "fuzz-emd", name, g_bytes_new_take (contents, size));
  g_unlink (tmp);
}

int
main (int    argc,
      char **argv)
{
  if (argc != 2)
    g_error ("usage: make-seeds CORPUS-FOLDER");
  dm_seeds (argv[1]);
  ser_seeds (argv[1]);
  emd_seed (argv[1], "velox-2-frames.emd", TRUE, 2);
  emd_seed (argv[1], "berkeley-2d.emd", FALSE, 0);
  emd_seed (argv[1], "berkeley-3d.emd", FALSE, 2);
  emd_seed (argv[1], "velox-3-frames.emd", TRUE, 3);
  return 0;
}
