package ai.pipeline.domains.vision;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * YOLOX exports (Megvii's {@code yolox_*.onnx}): the input is the image letterboxed at the top-left
 * with grey 114 padding, BGR, 0–255 without normalisation; the output {@code [1, boxes, 5 + classes]}
 * is the raw head — per box centre offsets and log sizes on grids of strides 8, 16 and 32, then
 * objectness and class scores (already sigmoid).
 */
final class YoloxFamily implements ModelFamily {

    private static final int[] STRIDES = {8, 16, 32};
    private static final int PADDING = 114;

    @Override
    public String name() {
        return "yolox";
    }

    @Override
    public PreparedImage prepare(BufferedImage image, int inputWidth, int inputHeight) {
        double scale = Math.min((double) inputWidth / image.getWidth(), (double) inputHeight / image.getHeight());
        // the same truncation as YOLOX's own preprocessing, so boxes map back identically
        int width = Math.max(1, (int) (image.getWidth() * scale));
        int height = Math.max(1, (int) (image.getHeight() * scale));

        BufferedImage canvas = new BufferedImage(inputWidth, inputHeight, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(PADDING, PADDING, PADDING));
            g.fillRect(0, 0, inputWidth, inputHeight);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }

        // TYPE_3BYTE_BGR stores B, G, R per pixel: exactly the channel order YOLOX was trained on
        byte[] bgr = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        int plane = inputWidth * inputHeight;
        float[] chw = new float[3 * plane];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            chw[i] = bgr[p] & 0xFF;
            chw[plane + i] = bgr[p + 1] & 0xFF;
            chw[2 * plane + i] = bgr[p + 2] & 0xFF;
        }
        Tensor input = new Tensor(chw, new long[] {1, 3, inputHeight, inputWidth});
        return new PreparedImage(input, image.getWidth(), image.getHeight(), scale, 0, 0);
    }

    @Override
    public int classCount(long[] outputShape) {
        if (outputShape.length != 3 || outputShape[0] != 1 || outputShape[2] < 6) {
            throw new IllegalArgumentException("a YOLOX model outputs [1, boxes, 5 + classes], this one "
                    + Arrays.toString(outputShape));
        }
        return (int) outputShape[2] - 5;
    }

    @Override
    public List<Candidate> decode(Tensor output, PreparedImage prepared, double scoreThreshold) {
        long[] inputShape = prepared.input().shape();
        int inputHeight = (int) inputShape[2];
        int inputWidth = (int) inputShape[3];
        int rowLength = (int) output.shape()[2];
        int classes = classCount(output.shape());
        float[] out = output.data();
        int boxes = 0;
        for (int stride : STRIDES) {
            boxes += (inputHeight / stride) * (inputWidth / stride);
        }
        if (boxes != output.shape()[1]) {
            throw new IllegalArgumentException("a YOLOX model with a " + inputWidth + "x" + inputHeight + " input has "
                    + boxes + " boxes on strides 8/16/32, this one outputs " + output.shape()[1]);
        }

        List<Candidate> candidates = new ArrayList<>();
        int row = 0;
        for (int stride : STRIDES) {
            int rows = inputHeight / stride;
            int cols = inputWidth / stride;
            for (int gy = 0; gy < rows; gy++) {
                for (int gx = 0; gx < cols; gx++, row++) {
                    int o = row * rowLength;
                    float objectness = out[o + 4];
                    if (objectness < scoreThreshold) {
                        continue;  // score = objectness × class score can only be lower
                    }
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (out[o + 5 + c] > out[o + 5 + best]) {
                            best = c;
                        }
                    }
                    double score = objectness * out[o + 5 + best];
                    if (score < scoreThreshold) {
                        continue;
                    }
                    double cx = (out[o] + gx) * stride;
                    double cy = (out[o + 1] + gy) * stride;
                    double halfWidth = Math.exp(out[o + 2]) * stride / 2;
                    double halfHeight = Math.exp(out[o + 3]) * stride / 2;
                    candidates.add(new Candidate(best, score,
                            prepared.toImageX(cx - halfWidth), prepared.toImageY(cy - halfHeight),
                            prepared.toImageX(cx + halfWidth), prepared.toImageY(cy + halfHeight)));
                }
            }
        }
        return candidates;
    }
}
