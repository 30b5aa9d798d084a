package ai.pipeline.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free loopback port for a process a test starts (an application's HTTP port, a broker's, a
 * database's), chosen below Linux's ephemeral range (32768–60999). A port taken from that range
 * (what binding port 0 gives) was free only for a moment: the process's own embedded broker,
 * binding port 0 in turn, once got the same one and the web server could not start.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_767;

    private FreePorts() {
    }

    public static int pick() {
        for (int tries = 0; tries < 500; tries++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + FIRST + " and " + LAST);
    }
}
