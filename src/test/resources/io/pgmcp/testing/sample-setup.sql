-- Setup scripts run as one multi-statement execute: the semicolons inside the
-- dollar-quoted body below must not split it.
CREATE FUNCTION public.shout(word text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN upper(word) || '!';  -- a comment; and a semicolon
END;
$$;

CREATE TABLE public.greetings(word text NOT NULL);
INSERT INTO public.greetings VALUES ('hello'), ('bonjour');
