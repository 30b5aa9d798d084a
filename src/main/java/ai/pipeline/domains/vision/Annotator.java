package ai.pipeline.domains.vision;

import ai.pipeline.domains.vision.DetectionResult.DetectedObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws labelled boxes on a copy of an image and encodes it as PNG. */
final class Annotator {

    /** Distinct, saturated colours; a label always gets the same one. */
    private static final Color[] PALETTE = {
        new Color(0xE6194B), new Color(0x3CB44B), new Color(0x4363D8), new Color(0xF58231), new Color(0x911EB4),
        new Color(0x42D4F4), new Color(0xF032E6), new Color(0xBFEF45), new Color(0x469990), new Color(0x9A6324),
    };

    private Annotator() {
    }

    static BufferedImage draw(BufferedImage image, List<DetectedObject> objects) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int shortSide = Math.min(width, height);
            float lineWidth = Math.max(2f, shortSide / 250f);
            g.setStroke(new BasicStroke(lineWidth));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, shortSide / 40)));
            FontMetrics metrics = g.getFontMetrics();
            // weakest first, so the strongest boxes and captions end up on top
            for (int i = objects.size() - 1; i >= 0; i--) {
                DetectedObject object = objects.get(i);
                Color colour = colourOf(object.label());
                int x1 = (int) Math.round(object.box()[0]);
                int y1 = (int) Math.round(object.box()[1]);
                int x2 = (int) Math.round(object.box()[2]);
                int y2 = (int) Math.round(object.box()[3]);
                g.setColor(colour);
                g.drawRect(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1));

                String caption = String.format(Locale.ROOT, "%s %.2f", object.label(), object.score());
                int captionWidth = metrics.stringWidth(caption) + 6;
                int captionHeight = metrics.getHeight();
                // above the box, or inside it when the box touches the top edge
                int top = y1 - captionHeight >= 0 ? y1 - captionHeight : y1;
                g.fillRect(x1, top, captionWidth, captionHeight);
                g.setColor(Color.WHITE);
                g.drawString(caption, x1 + 3, top + metrics.getAscent());
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG", e);
        }
        return out.toByteArray();
    }

    static Color colourOf(String label) {
        return PALETTE[Math.floorMod(label.hashCode(), PALETTE.length)];
    }
}
