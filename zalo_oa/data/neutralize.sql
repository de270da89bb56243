-- A neutralized copy of the database must not talk to Zalo with the production tokens.
UPDATE zalo_oa
   SET access_token_enc = NULL,
       refresh_token_enc = NULL,
       oauth_verifier_enc = NULL,
       oauth_nonce = NULL,
       token_expires_at = NULL,
       state = 'draft';
