package ai.pipeline.platform;

import java.net.InetAddress;

/** This machine's name, as the other instances see it in a worker or lease name (or "localhost"). */
public final class HostName {

    private HostName() {
    }

    public static String get() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** This machine's address as a URL's host (an IPv6 one in brackets), or the loopback address. */
    public static String address() {
        try {
            String address = InetAddress.getLocalHost().getHostAddress();
            return address.contains(":") ? "[" + address + "]" : address;
        } catch (Exception e) {
            return "127.0.0.1";
        }
    }
}
