package ai.pipeline.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Files made to hurt a decoder: valid headers over absurd dimensions, decompression bombs (a few
 * hundred KB that inflate to hundreds of MB), structures that point at themselves, PDFs whose body
 * is garbage, and random or truncated bytes. Everything is built in memory from the seed, so a
 * failing case is reproduced by its seed and name.
 */
public final class HostileFiles {

    /** A named hostile file. */
    public record Sample(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes)";
        }
    }

    private final Random random;
    private final List<Sample> realFiles;
    private List<Sample> crafted;

    /** {@code realFiles}: well-formed images and PDFs to truncate and corrupt. */
    public HostileFiles(Random random, List<Sample> realFiles) {
        this.random = random;
        this.realFiles = realFiles;
    }

    /** The hand-made cases, each once: absurd headers, bombs, loops, garbage PDFs. */
    public List<Sample> crafted() {
        if (crafted == null) {
            crafted = craft();
        }
        return crafted;
    }

    private List<Sample> craft() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("empty.png", new byte[0]);
        files.put("png-100000x100000.png", png(100_000, 100_000, deflate(new byte[100], 1)));
        files.put("png-bomb-20000x20000.png", png(20_000, 20_000, deflate(new byte[20_001], 20_000)));
        files.put("png-2147483647x1.png", png(Integer.MAX_VALUE, 1, deflate(new byte[100], 1)));
        files.put("png-0x0.png", png(0, 0, deflate(new byte[1], 1)));
        files.put("png-truncated-idat.png", Arrays.copyOf(png(640, 480, deflate(new byte[641], 480)), 60));
        files.put("tiff-100000x100000.tif", tiff(100_000, 100_000, deflate(new byte[1000], 1)));
        files.put("tiff-bomb-20000x20000.tif", tiff(20_000, 20_000, deflate(new byte[20_000], 20_000)));
        files.put("tiff-ifd-loop.tif", tiffLoop());
        files.put("tiff-3000-pages.tif", tiffPages(3000));
        files.put("gif-65535x65535.gif", gif(65_535, 65_535));
        files.put("bmp-100000x100000.bmp", bmp(100_000, 100_000));
        files.put("bmp-negative-height.bmp", bmp(640, Integer.MIN_VALUE));
        files.put("jpeg-65535x65535.jpg", jpeg(65_535, 65_535));
        files.put("pdf-header-only.pdf", "%PDF-".getBytes(StandardCharsets.US_ASCII));
        files.put("pdf-garbage.pdf", concat("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), randomBytes(4096)));
        files.put("pdf-huge-page.pdf", pdf("/MediaBox [0 0 14400 14400] /UserUnit 75000", 1, null));
        files.put("pdf-lying-count.pdf", pdf("/MediaBox [0 0 612 792]", 1_000_000, null));
        files.put("pdf-page-tree-loop.pdf", pdfPageTreeLoop());
        files.put("pdf-deep-array.pdf", pdf("/MediaBox [0 0 612 792] /X " + "[".repeat(100_000) + "]".repeat(100_000), 1, null));
        files.put("pdf-content-bomb.pdf", pdf("/MediaBox [0 0 612 792]", 1, deflate(" ".repeat(10_000).getBytes(StandardCharsets.US_ASCII), 20_000)));
        files.put("random.bin", randomBytes(1 + random.nextInt(65_536)));
        files.put("nul-bytes.png", new byte[4096]);
        files.put("text-as-image.jpg", "just text, not a JPEG\n".repeat(50).getBytes(StandardCharsets.UTF_8));
        List<Sample> samples = new ArrayList<>();
        files.forEach((name, bytes) -> samples.add(new Sample(name, bytes)));
        return samples;
    }

    /** A random hostile file: random bytes, a real file truncated or corrupted, or a real header over noise. */
    public Sample next() {
        Sample real = realFiles.get(random.nextInt(realFiles.size()));
        return switch (random.nextInt(5)) {
            case 0 -> new Sample("random-" + random.nextInt(1000) + ".bin", randomBytes(random.nextInt(100_000)));
            case 1 -> {
                int cut = random.nextInt(real.bytes().length);
                yield new Sample("truncated-" + cut + "-" + real.name(), Arrays.copyOf(real.bytes(), cut));
            }
            case 2 -> {
                byte[] corrupt = real.bytes().clone();
                int flips = 1 + random.nextInt(64);
                for (int i = 0; i < flips; i++) {
                    corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
                }
                yield new Sample("corrupt-" + flips + "-" + real.name(), corrupt);
            }
            case 3 -> {
                int keep = Math.min(real.bytes().length, 8 + random.nextInt(512));
                yield new Sample("header-then-noise-" + real.name(),
                        concat(Arrays.copyOf(real.bytes(), keep), randomBytes(random.nextInt(50_000))));
            }
            default -> {
                List<Sample> all = crafted();
                yield all.get(random.nextInt(all.size()));
            }
        };
    }

    public byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    // ---- formats ----------------------------------------------------------------------------

    /** An 8-bit greyscale PNG with the given header and IDAT content. */
    static byte[] png(int width, int height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        pngChunk(out, "IHDR", ihdr.array());
        pngChunk(out, "IDAT", idat);
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** zlib stream of {@code block} repeated {@code times} times: zeros compress about 1000:1. */
    static byte[] deflate(byte[] block, int times) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65_536];
        for (int i = 0; i < times; i++) {
            deflater.setInput(block);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** A little-endian greyscale TIFF, one deflate-compressed strip holding {@code strip}. */
    static byte[] tiff(int width, int height, byte[] strip) {
        int[][] entries = {{256, 4, width}, {257, 4, height}, {258, 3, 8}, {259, 3, 8}, {262, 3, 1},
                {273, 4, 0}, {277, 3, 1}, {278, 4, height}, {279, 4, strip.length}};
        int ifdSize = 2 + entries.length * 12 + 4;
        int dataOffset = 8 + ifdSize;
        entries[5][2] = dataOffset;
        ByteBuffer buffer = ByteBuffer.allocate(dataOffset + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {'I', 'I', 42, 0}).putInt(8);
        putIfd(buffer, entries, 0);
        buffer.put(strip);
        return buffer.array();
    }

    private static void putIfd(ByteBuffer buffer, int[][] entries, int next) {
        buffer.putShort((short) entries.length);
        for (int[] entry : entries) {
            buffer.putShort((short) entry[0]).putShort((short) entry[1]).putInt(1);
            if (entry[1] == 3) {
                buffer.putShort((short) entry[2]).putShort((short) 0);
            } else {
                buffer.putInt(entry[2]);
            }
        }
        buffer.putInt(next);
    }

    /** A TIFF whose first page's "next page" offset points back at itself. */
    static byte[] tiffLoop() {
        return tiffChain(1, true);
    }

    /** Many 1x1 pages. */
    static byte[] tiffPages(int pages) {
        return tiffChain(pages, false);
    }

    private static byte[] tiffChain(int pages, boolean loop) {
        int[][] template = {{256, 4, 1}, {257, 4, 1}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
                {273, 4, 0}, {277, 3, 1}, {278, 4, 1}, {279, 4, 1}};
        int ifdSize = 2 + template.length * 12 + 4;
        ByteBuffer buffer = ByteBuffer.allocate(8 + pages * (ifdSize + 2)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {'I', 'I', 42, 0}).putInt(8);
        for (int page = 0; page < pages; page++) {
            int offset = 8 + page * (ifdSize + 2);
            int[][] entries = Arrays.stream(template).map(int[]::clone).toArray(int[][]::new);
            entries[5][2] = offset + ifdSize;  // the pixel right after the IFD
            int next = loop ? offset : page + 1 < pages ? offset + ifdSize + 2 : 0;
            putIfd(buffer, entries, next);
            buffer.put((byte) 0x80).put((byte) 0);
        }
        return buffer.array();
    }

    static byte[] gif(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        buffer.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0);
        buffer.put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    static byte[] bmp(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54);
        buffer.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(0)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        return buffer.array();
    }

    static byte[] jpeg(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.put((byte) 0xFF).put((byte) 0xD8);
        buffer.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8).putShort((short) height)
                .putShort((short) width).put((byte) 3);
        for (int component = 1; component <= 3; component++) {
            buffer.put((byte) component).put((byte) 0x11).put((byte) 0);
        }
        buffer.put((byte) 0xFF).put((byte) 0xD9);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** A well-formed one-page PDF (correct xref) with extra page attributes and an optional Flate content stream. */
    static byte[] pdf(String pageAttributes, int claimedCount, byte[] flateContent) {
        List<String> objects = new ArrayList<>();
        objects.add("<< /Type /Catalog /Pages 2 0 R >>");
        objects.add("<< /Type /Pages /Kids [3 0 R] /Count " + claimedCount + " >>");
        objects.add("<< /Type /Page /Parent 2 0 R " + pageAttributes + (flateContent == null ? "" : " /Contents 4 0 R") + " >>");
        return pdfDocument(objects, flateContent);
    }

    /** A page tree whose Pages node lists itself as its kid. */
    static byte[] pdfPageTreeLoop() {
        return pdfDocument(List.of("<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"), null);
    }

    private static byte[] pdfDocument(List<String> objects, byte[] stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII));
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            out.writeBytes(((i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (stream != null) {
            offsets.add(out.size());
            out.writeBytes(((objects.size() + 1) + " 0 obj\n<< /Length " + stream.length + " /Filter /FlateDecode >>\nstream\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(stream);
            out.writeBytes("\nendstream\nendobj\n".getBytes(StandardCharsets.US_ASCII));
        }
        int xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 " + (offsets.size() + 1) + "\n0000000000 65535 f \n");
        offsets.forEach(offset -> table.append(String.format("%010d 00000 n \n", offset)));
        table.append("trailer\n<< /Size ").append(offsets.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        out.writeBytes(table.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
