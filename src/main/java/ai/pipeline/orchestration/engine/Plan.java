package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A canvas compiled into addressable nodes. Every node has a path that names its occurrence in the
 * canvas: the root is an implicit chain with path {@code ""}; chain steps and group members are
 * numbered ({@code 0}, {@code 1.2}), chord header members are {@code h0}, {@code h1}, a chord's
 * body is {@code body}, and the i-th item of a for-each is {@code i} below it, created at run time.
 * Example: {@code chain(a, chord([b, chain(c, d)], e))} has tasks {@code 0}, {@code 1.h0},
 * {@code 1.h1.0}, {@code 1.h1.1} and {@code 1.body}. A canvas's on-failure canvas is a second
 * implicit chain, path {@code on_failure} (its steps {@code on_failure.0}, …), whose tasks are
 * recorded only when the run fails.
 */
public final class Plan {

    /** Canvas order of node paths: steps, members and items by number, a chord's header (h0, h1, …) before its body. */
    public static final Comparator<String> NODE_ORDER = (a, b) -> {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Long.compare(rank(x[i]), rank(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private static long rank(String segment) {
        if ("body".equals(segment)) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(segment.startsWith("h") ? segment.substring(1) : segment);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE - 1;
        }
    }

    public enum Kind {
        TASK, CHAIN, GROUP, CHORD, FOR_EACH;

        /** Nodes whose members run in parallel and meet at a join (for a chord: its header). */
        public boolean isJoin() {
            return this == GROUP || this == CHORD || this == FOR_EACH;
        }
    }

    /** One node of the compiled canvas. */
    public static final class Node {
        private final String path;
        private final Kind kind;
        private final Node parent;
        private final int index;
        private final Canvas canvas;
        private final List<Node> members = new ArrayList<>();
        private Node body;

        Node(String path, Kind kind, Node parent, int index, Canvas canvas) {
            this.path = path;
            this.kind = kind;
            this.parent = parent;
            this.index = index;
            this.canvas = canvas;
        }

        public String path() {
            return path;
        }

        public Kind kind() {
            return kind;
        }

        /** Null for the root. */
        public Node parent() {
            return parent;
        }

        /** Position among the parent's steps or members; -1 for a chord's body and for the root. */
        public int index() {
            return index;
        }

        public boolean isChordBody() {
            return parent != null && parent.kind == Kind.CHORD && parent.body == this;
        }

        /** Chain steps, group members, chord header members; empty for tasks and for-each (whose items are dynamic). */
        public List<Node> members() {
            return Collections.unmodifiableList(members);
        }

        /** A chord's body, else null. */
        public Node body() {
            return body;
        }

        public Canvas.Task task() {
            return kind == Kind.TASK ? (Canvas.Task) canvas : null;
        }

        public Canvas.Chord chord() {
            return kind == Kind.CHORD ? (Canvas.Chord) canvas : null;
        }

        public Canvas.ForEach forEach() {
            return kind == Kind.FOR_EACH ? (Canvas.ForEach) canvas : null;
        }

        public boolean isLastStep() {
            return parent != null && parent.kind == Kind.CHAIN && index == parent.members.size() - 1;
        }

        /** The chain step after this one; null when this is not a chain step or is the last. */
        public Node nextStep() {
            return parent == null || parent.kind != Kind.CHAIN || isLastStep() ? null : parent.members.get(index + 1);
        }

        /** The chain step before this one; null when this is not a chain step or is the first. */
        public Node previousStep() {
            return parent == null || parent.kind != Kind.CHAIN || index <= 0 ? null : parent.members.get(index - 1);
        }

        @Override
        public String toString() {
            return kind + "(" + path + ")";
        }
    }

    /** The path of the on-failure canvas's implicit chain. */
    public static final String ON_FAILURE = "on_failure";

    private final Node root;
    private final Node onFailure;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Node> forEachItems = new ConcurrentHashMap<>();

    private Plan(Canvas canvas) {
        root = build(asChain(canvas.withoutOnFailure()), "", null, -1);
        onFailure = canvas.onFailure() == null ? null : build(asChain(canvas.onFailure()), ON_FAILURE, null, -1);
    }

    private static Canvas asChain(Canvas canvas) {
        return canvas instanceof Canvas.Chain ? canvas : new Canvas.Chain(List.of(canvas));
    }

    public static Plan of(Canvas canvas) {
        return new Plan(canvas);
    }

    public Node root() {
        return root;
    }

    /** The on-failure canvas's implicit chain, or null when the canvas has none. */
    public Node onFailure() {
        return onFailure;
    }

    /** Whether {@code path} is a node of the on-failure canvas. */
    public static boolean inOnFailure(String path) {
        return path.equals(ON_FAILURE) || path.startsWith(ON_FAILURE + ".");
    }

    /** The node at {@code path}, including for-each items; null if there is none. */
    public Node node(String path) {
        Node node = nodes.get(path);
        if (node != null) {
            return node;
        }
        int dot = path.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        Node parent = nodes.get(path.substring(0, dot));
        if (parent == null || parent.kind != Kind.FOR_EACH) {
            return null;
        }
        int index;
        try {
            index = Integer.parseInt(path.substring(dot + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        return forEachItem(parent, index);
    }

    /** The {@code index}-th item task of a for-each node. */
    public Node forEachItem(Node forEach, int index) {
        String path = childPath(forEach.path, String.valueOf(index));
        return forEachItems.computeIfAbsent(path, p -> new Node(p, Kind.TASK, forEach, index, forEach.forEach().task()));
    }

    /**
     * Every task node known before the run starts (for-each items are added when their list is known),
     * without the on-failure canvas's (added when the run fails).
     */
    public List<Node> staticTasks() {
        return nodes.values().stream().filter(n -> n.kind == Kind.TASK && !inOnFailure(n.path)).toList();
    }

    /** Every node at or below {@code node}'s path, static ones only (for the root: not the on-failure canvas's). */
    public List<Node> below(Node node) {
        String prefix = node.path.isEmpty() ? "" : node.path + ".";
        return nodes.values().stream().filter(n -> n == node || n.path.startsWith(prefix))
                .filter(n -> node != root || !inOnFailure(n.path)).toList();
    }

    public int depth() {
        return depth(root);
    }

    private static int depth(Node node) {
        int deepest = 0;
        for (Node member : node.members) {
            deepest = Math.max(deepest, depth(member));
        }
        if (node.body != null) {
            deepest = Math.max(deepest, depth(node.body));
        }
        return deepest + 1;
    }

    private Node build(Canvas canvas, String path, Node parent, int index) {
        Node node;
        if (canvas instanceof Canvas.Task) {
            node = new Node(path, Kind.TASK, parent, index, canvas);
        } else if (canvas instanceof Canvas.Chain chain) {
            node = new Node(path, Kind.CHAIN, parent, index, canvas);
            for (int i = 0; i < chain.steps().size(); i++) {
                node.members.add(build(chain.steps().get(i), childPath(path, String.valueOf(i)), node, i));
            }
        } else if (canvas instanceof Canvas.Group group) {
            node = new Node(path, Kind.GROUP, parent, index, canvas);
            for (int i = 0; i < group.members().size(); i++) {
                node.members.add(build(group.members().get(i), childPath(path, String.valueOf(i)), node, i));
            }
        } else if (canvas instanceof Canvas.Chord chord) {
            node = new Node(path, Kind.CHORD, parent, index, canvas);
            for (int i = 0; i < chord.header().size(); i++) {
                node.members.add(build(chord.header().get(i), childPath(path, "h" + i), node, i));
            }
            node.body = build(chord.body(), childPath(path, "body"), node, -1);
        } else {
            node = new Node(path, Kind.FOR_EACH, parent, index, canvas);
        }
        nodes.put(path, node);
        return node;
    }

    static String childPath(String parent, String segment) {
        return parent.isEmpty() ? segment : parent + "." + segment;
    }
}
